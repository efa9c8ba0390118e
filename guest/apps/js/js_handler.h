// One request through the script's handle(request): the request object it
// gets, and its return value made into a response (docs/js.md).
#ifndef WASP_GUEST_APPS_JS_JS_HANDLER_H_
#define WASP_GUEST_APPS_JS_JS_HANDLER_H_

#include <stddef.h>

#include "duktape.h"
#include "guest/apps/http/http_parse.h"

#ifdef __cplusplus
extern "C" {
#endif

// The script's header lines, "Name: value\r\n" each; more is a 500.
#define JS_FIELDS_MAX 8192
// The longest error text a 500 carries.
#define JS_ERROR_MAX 200

struct js_reply {
  int status;
  char content_type[256];
  size_t content_type_len;
  char fields[JS_FIELDS_MAX];
  size_t fields_len;
  // Inside the Duktape heap: valid while js_handle's value is on the stack.
  const char* body;
  size_t body_len;
};

// Calls the global handle() with the request whose head is head[0, head_len)
// (parsed into `req`) and whose body is body[0, body_len), and fills `reply`.
// Leaves one value on the stack (the body's owner). Returns 0, or 1 if the
// script threw or returned something that is not a response: then `reply`
// is a 500 whose body is the error's text, without a stack trace.
int js_handle(duk_context* ctx, const char* head, size_t head_len,
              const struct http_request* req, const char* body, size_t body_len,
              struct js_reply* reply);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // WASP_GUEST_APPS_JS_JS_HANDLER_H_
