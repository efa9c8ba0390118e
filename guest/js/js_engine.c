#include "guest/js/js_engine.h"

#include <stdio.h>
#include <string.h>

// The key under which hcall_return keeps the result in the global stash,
// out of the script's reach.
#define RESULT_KEY "wasp_result"

static duk_ret_t js_print(duk_context* ctx) {
  duk_push_string(ctx, " ");
  duk_insert(ctx, 0);
  duk_join(ctx, duk_get_top(ctx) - 1);
  printf("%s\n", duk_safe_to_string(ctx, -1));
  return 0;
}

static duk_ret_t js_hcall_return(duk_context* ctx) {
  duk_push_global_stash(ctx);
  duk_dup(ctx, 0);
  duk_to_string(ctx, -1);
  duk_put_prop_string(ctx, -2, RESULT_KEY);
  return 0;
}

duk_context* js_create(void) {
  duk_context* ctx = duk_create_heap_default();
  if (ctx == NULL) return NULL;
  duk_push_c_function(ctx, js_print, DUK_VARARGS);
  duk_put_global_string(ctx, "print");
  duk_push_c_function(ctx, js_hcall_return, 1);
  duk_put_global_string(ctx, "hcall_return");
  return ctx;
}

int js_eval(duk_context* ctx, const char* script, size_t length, char* out,
            size_t cap, size_t* out_len) {
  int threw = duk_peval_lstring(ctx, script, length) != 0;
  if (!threw) {
    duk_push_global_stash(ctx);
    if (duk_get_prop_string(ctx, -1, RESULT_KEY)) {
      duk_replace(ctx, -3);  // the completion value makes way for it
      duk_del_prop_string(ctx, -1, RESULT_KEY);
      duk_pop(ctx);
    } else {
      duk_pop_2(ctx);
    }
  }
  duk_size_t size = 0;
  const char* text = duk_safe_to_lstring(ctx, -1, &size);
  memcpy(out, text, size < cap ? size : cap);
  *out_len = size;
  duk_pop(ctx);
  return threw;
}

void js_destroy(duk_context* ctx) { duk_destroy_heap(ctx); }
