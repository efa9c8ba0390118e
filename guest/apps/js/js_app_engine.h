// What the JavaScript app (js_app.c) needs of its Duktape build
// (duktape_app.c) beyond Duktape's API.
#ifndef WASP_GUEST_APPS_JS_JS_APP_ENGINE_H_
#define WASP_GUEST_APPS_JS_JS_APP_ENGINE_H_

#include <stdint.h>
#include <time.h>

#include "duktape.h"

// Duktape's clock: the app has none (a host call per Date would cost an
// exit), so Date.now() is 0.
time_t js_app_clock(time_t* out);

// Nonzero once the native stack is nearly used up: Duktape then throws a
// RangeError.
int js_app_stack_low(void);

// Mixes `entropy` into Math.random's state, which the snapshot would
// otherwise repeat in every request.
void js_app_reseed(duk_context* ctx, uint64_t entropy);

#endif  // WASP_GUEST_APPS_JS_JS_APP_ENGINE_H_
