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

// SplitMix64's step: every bit of the entropy reaches every bit of the
// state, so that close seeds give unrelated sequences.
static uint64_t split_mix(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void js_app_reseed(duk_context* ctx, uint64_t entropy) {
  duk_heap* heap = ((duk_hthread*)ctx)->heap;
  heap->rnd_state[0] ^= split_mix(&entropy);
  // xoroshiro128+ (Duktape's Math.random) must not reach an all-zero state.
  heap->rnd_state[1] ^= split_mix(&entropy) | 1;
}
