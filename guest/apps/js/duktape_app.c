// Duktape as the JavaScript app (js_app.c) builds it. Two changes to its
// configuration: the clock is js_app_clock, so that creating the heap makes
// no host call before the snapshot (docs/guest-libc.md), and native
// recursion is bounded by the stack left (js_app_stack_low), so that deep
// recursion through built-ins is a RangeError, not a stack that runs into
// the heap.
#define time js_app_clock
#define DUK_COMPILING_DUKTAPE  // what duktape.c defines before its config
#include "duk_config.h"
#undef DUK_USE_NATIVE_STACK_CHECK
#define DUK_USE_NATIVE_STACK_CHECK() js_app_stack_low()
int js_app_stack_low(void);
#include "duktape.c"
#include "guest/apps/js/js_app_engine.h"

void js_app_reseed(duk_context* ctx, uint64_t entropy) {
  duk_heap* heap = ((duk_hthread*)ctx)->heap;
  // xoroshiro128+ (Duktape's Math.random) must not reach an all-zero state.
  heap->rnd_state[0] ^= entropy;
  heap->rnd_state[1] ^= (entropy * 0x9E3779B97F4A7C15ull) | 1;
}
