// The JavaScript virtine of Fig. 14: creates the Duktape heap, takes its
// snapshot, then runs the call's script (js_call.h) and exits.
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "guest/js/js_call.h"
#include "guest/js/js_engine.h"
#include "guest/runtime/wasp.h"

// The script and its result stay in the call area, which the host fills and
// reads anyway: copies elsewhere would be pages more to reset per call.
static struct wasp_call_area area __attribute__((aligned(4096)));

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
  const int has_area = wasp_snapshot_call_area(&area) == 0;
  after_snapshot = 1;
  // Read once: the host wrote it.
  long length = has_area ? *(volatile uint32_t*)&area.arg_len
                         : wasp_get_arg(area.arg, sizeof area.arg);
  if (length < 1) return JS_EXIT_NO_ARGUMENT;
  if ((size_t)length > sizeof area.arg) length = sizeof area.arg;
  const uint8_t flags = area.arg[0];
  size_t result_length = 0;
  const int threw =
      js_eval(ctx, (const char*)area.arg + 1, (size_t)length - 1,
              (char*)area.result, sizeof area.result, &result_length);
  if (result_length > sizeof area.result) result_length = sizeof area.result;
  if (has_area) {
    area.result_len = (uint32_t)result_length;
  } else {
    wasp_set_result(area.result, result_length);
  }
  if (flags & JS_CALL_TEARDOWN) js_destroy(ctx);
  return threw;
}
