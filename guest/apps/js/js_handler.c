#include "guest/apps/js/js_handler.h"

#include <stdio.h>
#include <string.h>

static const char kTextPlain[] = "text/plain; charset=utf-8";
static const char kJson[] = "application/json";

static char lower(char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Request bytes as a string of the same characters, each byte one code point
// (Latin-1, as Node's "latin1"): pushed raw, a byte >= 0x80 would be invalid
// UTF-8 to a script, and a leading 0x80-0x82 or 0xFF a Duktape symbol.
static void push_text(duk_context* ctx, const char* p, size_t n) {
  size_t high = 0;
  for (size_t i = 0; i < n; ++i) high += (unsigned char)p[i] >= 0x80;
  if (high == 0) {
    duk_push_lstring(ctx, p, n);
    return;
  }
  unsigned char* out = duk_push_fixed_buffer(ctx, n + high);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x80) {
      *out++ = c;
    } else {
      *out++ = (unsigned char)(0xC0 | (c >> 6));
      *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
  }
  duk_buffer_to_string(ctx, -1);
}

// request.headers: lower-case names; a repeated field's values joined with
// ", " (RFC 9110 5.3).
static void push_headers(duk_context* ctx, const char* head, size_t len) {
  static char name[HTTP_HEADERS_MAX];
  duk_push_bare_object(ctx);  // no inherited __proto__ or toString
  size_t pos = 0;
  struct http_field n, v;
  while (http_next_field(head, len, &pos, &n, &v)) {
    for (size_t i = 0; i < n.len; ++i) name[i] = lower(n.value[i]);
    push_text(ctx, name, n.len);
    duk_dup_top(ctx);
    if (duk_get_prop(ctx, -3)) {
      duk_push_literal(ctx, ", ");
      push_text(ctx, v.value, v.len);
      duk_concat(ctx, 3);
    } else {
      duk_pop(ctx);
      push_text(ctx, v.value, v.len);
    }
    duk_put_prop(ctx, -3);
  }
}

// The request object: method, url (the target as sent), path and query
// (the target split at '?', not decoded), headers, body.
static void push_request(duk_context* ctx, const char* head, size_t head_len,
                         const struct http_request* req, const char* body,
                         size_t body_len) {
  duk_push_object(ctx);
  push_text(ctx, req->method_name.value, req->method_name.len);
  duk_put_prop_literal(ctx, -2, "method");
  push_text(ctx, req->target, req->target_len);
  duk_put_prop_literal(ctx, -2, "url");
  size_t path = 0;
  while (path < req->target_len && req->target[path] != '?') ++path;
  push_text(ctx, req->target, path);
  duk_put_prop_literal(ctx, -2, "path");
  size_t query = path < req->target_len ? path + 1 : path;
  // No target (a malformed request line) leaves it NULL: no arithmetic on it.
  push_text(ctx, query < req->target_len ? req->target + query : "",
            req->target_len - query);
  duk_put_prop_literal(ctx, -2, "query");
  push_headers(ctx, head, head_len);
  duk_put_prop_literal(ctx, -2, "headers");
  push_text(ctx, body, body_len);
  duk_put_prop_literal(ctx, -2, "body");
}

static int is_token(const char* s, size_t n) {
  static const char kSeparators[] = "\"(),/:;<=>?@[\\]{}";
  if (n == 0) return 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c <= ' ' || c >= 0x7f || memchr(kSeparators, c, sizeof kSeparators - 1))
      return 0;
  }
  return 1;
}

// A header value may not break the response's framing.
static int is_field_value(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if ((c < ' ' && c != '\t') || c == 0x7f) return 0;
  }
  return 1;
}

static int equals_ci(const char* s, size_t n, const char* word) {
  size_t i = 0;
  for (; i < n && word[i] != '\0'; ++i) {
    if (lower(s[i]) != word[i]) return 0;
  }
  return i == n && word[i] == '\0';
}

// Framing is the server's: a script's Content-Length, Transfer-Encoding or
// Connection would contradict it.
static int is_framing(const char* name, size_t n) {
  return equals_ci(name, n, "content-length") ||
         equals_ci(name, n, "transfer-encoding") ||
         equals_ci(name, n, "connection");
}

// One header of the response object (key at -2, value at -1).
static void add_field(duk_context* ctx, struct js_reply* reply) {
  duk_size_t n = 0, m = 0;
  const char* name = duk_to_lstring(ctx, -2, &n);
  const char* value = duk_to_lstring(ctx, -1, &m);
  if (!is_token(name, n) || !is_field_value(value, m)) {
    (void)duk_type_error(ctx, "response header %s is not a valid field",
                         is_token(name, n) ? name : "name");
  }
  if (is_framing(name, n)) return;
  if (equals_ci(name, n, "content-type")) {
    if (m >= sizeof reply->content_type) {
      (void)duk_range_error(ctx, "content-type too long");
    }
    memcpy(reply->content_type, value, m);
    reply->content_type_len = m;
    return;
  }
  if (reply->fields_len + n + m + 4 > sizeof reply->fields) {
    (void)duk_range_error(ctx, "response headers exceed %d bytes",
                          JS_FIELDS_MAX);
  }
  char* out = reply->fields + reply->fields_len;
  memcpy(out, name, n);
  memcpy(out + n, ": ", 2);
  memcpy(out + n + 2, value, m);
  memcpy(out + n + 2 + m, "\r\n", 2);
  reply->fields_len += n + m + 4;
}

static void set_type(struct js_reply* reply, const char* type, size_t len) {
  if (reply->content_type_len > 0) return;
  memcpy(reply->content_type, type, len);
  reply->content_type_len = len;
}

// handle()'s value (index 0) as a response; leaves the body string on top.
// Runs protected: a getter or toString of the script may throw.
static duk_ret_t to_response(duk_context* ctx, void* udata) {
  struct js_reply* reply = udata;
  reply->status = 200;
  if (duk_is_string(ctx, 0)) {
    set_type(reply, kTextPlain, sizeof kTextPlain - 1);
    duk_dup(ctx, 0);
    return 1;
  }
  if (!duk_is_object(ctx, 0) || duk_is_function(ctx, 0)) {
    return duk_type_error(ctx,
                          "handle() returned %s, not a string or "
                          "{status, headers, body}",
                          duk_is_undefined(ctx, 0) ? "undefined" : "a value");
  }
  if (duk_get_prop_literal(ctx, 0, "status")) {
    duk_double_t status = duk_to_number(ctx, -1);
    if (!(status >= 200 && status <= 599) || status != (int)status) {
      return duk_range_error(ctx, "status must be an integer in 200-599");
    }
    reply->status = (int)status;
  }
  if (duk_get_prop_literal(ctx, 0, "headers") && duk_is_object(ctx, -1)) {
    duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
    while (duk_next(ctx, -1, 1)) {
      add_field(ctx, reply);
      duk_pop_2(ctx);
    }
  }
  duk_get_prop_literal(ctx, 0, "body");
  if (duk_is_null_or_undefined(ctx, -1)) {
    duk_push_literal(ctx, "");
  } else if (!duk_is_string(ctx, -1)) {
    duk_json_encode(ctx, -1);  // an object's body is its JSON
    set_type(reply, kJson, sizeof kJson - 1);
  }
  set_type(reply, kTextPlain, sizeof kTextPlain - 1);
  return 1;
}

// "500 Internal Server Error\n" and the error's "Name: message" (never its
// stack), truncated.
static void fail(duk_context* ctx, struct js_reply* reply) {
  static char text[64 + JS_ERROR_MAX];
  duk_size_t n = 0;
  const char* error = duk_safe_to_lstring(ctx, -1, &n);
  if (n > JS_ERROR_MAX) n = JS_ERROR_MAX;
  int len = snprintf(text, sizeof text, "500 Internal Server Error\n%.*s\n",
                     (int)n, error);
  reply->status = 500;
  reply->content_type_len = 0;
  reply->fields_len = 0;
  set_type(reply, kTextPlain, sizeof kTextPlain - 1);
  reply->body = text;
  reply->body_len = (size_t)len;
}

struct request_args {
  const char* head;
  size_t head_len;
  const struct http_request* req;
  const char* body;
  size_t body_len;
};

// The request object, built protected: a request too large for the heap
// is an error, not Duktape's fatal handler.
static duk_ret_t push_request_safely(duk_context* ctx, void* udata) {
  const struct request_args* a = udata;
  push_request(ctx, a->head, a->head_len, a->req, a->body, a->body_len);
  return 1;
}

int js_handle(duk_context* ctx, const char* head, size_t head_len,
              const struct http_request* req, const char* body, size_t body_len,
              struct js_reply* reply) {
  reply->content_type_len = 0;
  reply->fields_len = 0;
  duk_get_global_literal(ctx, "handle");
  struct request_args args = {head, head_len, req, body, body_len};
  if (duk_safe_call(ctx, push_request_safely, &args, 0, 1) !=
      DUK_EXEC_SUCCESS) {
    fail(ctx, reply);
    duk_remove(ctx, -2);  // handle: one value stays, the error
    return 1;
  }
  if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS ||
      duk_safe_call(ctx, to_response, reply, 1, 1) != DUK_EXEC_SUCCESS) {
    fail(ctx, reply);
    return 1;
  }
  duk_size_t n = 0;
  reply->body = duk_get_lstring(ctx, -1, &n);
  reply->body_len = n;
  return 0;
}
