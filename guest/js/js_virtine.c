// The JavaScript virtine of Fig. 14: creates the Duktape heap, takes its
// snapshot, then runs the call's script (js_call.h) and exits.
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "guest/js/js_call.h"
#include "guest/js/js_engine.h"
#include "guest/runtime/wasp.h"

static char call_argument[WASP_CALL_ARG_MAX];
static char result[WASP_CALL_RESULT_MAX];

static int after_snapshot;

// Duktape's clock (duktape_guest.c): 0 until the snapshot, so that creating
// the heap makes no host call; the host's time after it.
time_t js_clock_time(time_t* out) {
  if (after_snapshot) return time(out);
  if (out != NULL) *out = 0;
  return 0;
}

int main(void) {
  duk_context* ctx = js_create();
  if (ctx == NULL) return JS_EXIT_NO_HEAP;
  // Each call resumes here with the heap created: the engine's start-up is
  // paid once (without snapshots, every call boots and pays it).
  wasp_snapshot();
  after_snapshot = 1;
  long length = wasp_get_arg(call_argument, sizeof call_argument);
  if (length < 1) return JS_EXIT_NO_ARGUMENT;
  if ((size_t)length > sizeof call_argument) length = sizeof call_argument;
  const uint8_t flags = (uint8_t)call_argument[0];
  size_t result_length = 0;
  const int threw = js_eval(ctx, call_argument + 1, (size_t)length - 1, result,
                            sizeof result, &result_length);
  if (result_length > sizeof result) result_length = sizeof result;
  wasp_set_result(result, result_length);
  if (flags & JS_CALL_TEARDOWN) js_destroy(ctx);
  return threw;
}
