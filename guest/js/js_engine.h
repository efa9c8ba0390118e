// Duktape with the two functions a Wasp script sees, shared by the
// JavaScript virtine (js_virtine.c, newlib) and its native baseline
// (tools/artifacts/paper_js.cc): the same code on both sides of Fig. 14.
//   print(...)         the arguments, space-separated, and a newline on
//                      stdout (the console in a virtine)
//   hcall_return(v)    makes String(v) the script's result
#ifndef WASP_GUEST_JS_JS_ENGINE_H_
#define WASP_GUEST_JS_JS_ENGINE_H_

#include <stddef.h>

#include "duktape.h"

#ifdef __cplusplus
extern "C" {
#endif

// A Duktape heap with print and hcall_return; NULL if out of memory.
duk_context* js_create(void);

// Evaluates `script`. The result is hcall_return's value if the script
// called it, else the script's completion value, as a string; for a script
// that throws, the error's text. Copies at most `cap` bytes of it to `out`
// and returns its full length in `*out_len`. Returns 0, or 1 if it threw.
int js_eval(duk_context* ctx, const char* script, size_t length, char* out,
            size_t cap, size_t* out_len);

void js_destroy(duk_context* ctx);

#ifdef __cplusplus
}
#endif

#endif  // WASP_GUEST_JS_JS_ENGINE_H_
