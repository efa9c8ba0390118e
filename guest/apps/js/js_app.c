// The JavaScript app: a user's script (the server's configuration) answers
// HTTP requests through its handle(request) (docs/js.md). Before the
// snapshot it creates the Duktape heap and runs the script's top level; a
// run then resumes with the heap as the script left it, answers ONE request
// and exits. One request per run is what isolates requests: the reset after
// it drops whatever the script changed, and a pipelined request behind it
// gets a run of its own at once (wake on any byte).
//
// HTTP framing is the HTTP app's (http_parse.h): keep-alive, pipelining,
// Content-Length bodies up to JS_APP_BODY_MAX, HEAD; errors as that app
// answers them (only broken framing closes).
#include "guest/apps/js/js_app.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/apps/http/http_parse.h"
#include "guest/apps/js/js_app_engine.h"
#include "guest/apps/js/js_handler.h"
#include "guest/runtime/wasp.h"

enum {
  kInCap = HTTP_HEAD_MAX + 1024 + JS_APP_BODY_MAX,
  // Bodies up to this ride behind their head; larger ones are sent from
  // the Duktape heap.
  kCopyBody = 4096,
  kOutCap = HTTP_RESPONSE_HEAD_MAX + JS_FIELDS_MAX + kCopyBody,
  // Native recursion stops this far below main's frame, inside the libc's
  // stack reserve (256 KiB below the top), leaving room to throw.
  kStackLimit = 192 << 10,
};

static struct wasp_request_area area;
static duk_context* ctx;
static char* out;
static uintptr_t stack_limit;
static int serving;
static struct js_reply reply;
// The access log record of the run's request (each byte escaped to at most
// four).
static char log_record[4 * HTTP_HEAD_MAX + 64];

time_t js_app_clock(time_t* now) {
  if (now != NULL) *now = 0;
  return 0;
}

int js_app_stack_low(void) {
  return (uintptr_t)__builtin_frame_address(0) < stack_limit;
}

// Queues out[0, head) and the body: copied behind the head when small.
static void emit(size_t head, const char* body, size_t body_len) {
  if (body_len <= kCopyBody) {
    memcpy(out + head, body, body_len);
    head += body_len;
    body_len = 0;
  }
  area.iov[0] =
      (struct wasp_iovec){.base = (uint64_t)(uintptr_t)out, .len = head};
  area.iov[1] =
      (struct wasp_iovec){.base = (uint64_t)(uintptr_t)body, .len = body_len};
  area.iov_count = body_len > 0 ? 2 : 1;
}

// Fills the area's access log when the host keeps one.
static void log_request(const struct http_request* req, int status,
                        uint64_t body_bytes) {
  static const struct http_request kNoRequest;
  if (!(area.in_flags & WASP_INPUT_LOG)) return;
  size_t len = http_log_record(req != NULL ? req : &kNoRequest, status,
                               body_bytes, log_record, 0, sizeof log_record);
  area.log = (uint64_t)(uintptr_t)log_record;
  area.log_len = (uint32_t)len;
}

// Queues the response to `req` (NULL: no head could be parsed).
static void respond(const struct http_request* req, int keep_alive, int status,
                    const char* type, size_t type_len, const char* fields,
                    size_t fields_len, const char* body, size_t body_len) {
  struct http_response resp = {
      .status = status,
      .content_type = type,
      .content_type_len = type_len,
      .content_length = status == 204 ? 0 : body_len,
      .minor_version = req != NULL ? req->minor_version : 1,
      .keep_alive = keep_alive,
      .fields = fields,
      .fields_len = fields_len,
  };
  size_t head = http_format_head(&resp, out, kOutCap);
  int send_body = status != 204 && (req == NULL || req->method != HTTP_HEAD);
  emit(head, body, send_body ? body_len : 0);
  if (!keep_alive) area.out_flags |= WASP_OUTPUT_CLOSE;
  log_request(req, status, send_body ? body_len : 0);
}

// The server's own answers (400, 408, 413, ...), as the HTTP app's: those
// after which the input cannot be framed close.
static void respond_error(const struct http_request* req, int status) {
  static const char kType[] = "text/plain; charset=utf-8";
  char body[64];
  size_t len = http_error_body(status, body, sizeof body);
  int keep_alive =
      req != NULL && req->keep_alive && !http_status_closes(status);
  respond(req, keep_alive, status, kType, sizeof kType - 1, NULL, 0, body, len);
}

static void refuse(const char* reason, size_t len, int code);

// A run's last resort (Duktape's fatal errors): a 500 that closes.
static void fatal(void* udata, const char* message) {
  (void)udata;
  if (!serving) refuse(message, strlen(message), JS_APP_EXIT_SCRIPT);
  respond_error(NULL, 500);
  area.consumed = area.in_len;
  wasp_exit(0);
}

static void answer(const char* in, size_t head,
                   const struct http_request* req) {
  // Every method is the script's: 405 is only the HTTP app's policy.
  if (req->status != 0 && req->status != 405) {
    return respond_error(req, req->status);
  }
  js_handle(ctx, in, head, req, in + head, (size_t)req->body_length, &reply);
  // The script's answers keep the connection as the request asks, whatever
  // their status (a throw's 500 included): the framing is intact.
  respond(req, req->keep_alive, reply.status, reply.content_type,
          reply.content_type_len, reply.fields, reply.fields_len, reply.body,
          reply.body_len);
}

// Whether a request has begun: empty lines between requests do not count.
static int in_request(const char* in, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (in[i] != '\r' && in[i] != '\n') return 1;
  }
  return 0;
}

// Input that holds no complete request yet: wait, or end the connection.
static void incomplete(const char* in, size_t len, uint32_t wake_len) {
  if (area.in_flags & WASP_INPUT_TIMEOUT && in_request(in, len)) {
    return respond_error(NULL, 408);
  }
  if (area.in_flags & (WASP_INPUT_EOF | WASP_INPUT_TIMEOUT)) {
    area.out_flags |= WASP_OUTPUT_CLOSE;
    area.consumed = (uint32_t)len;
    return;
  }
  area.wake_byte = wake_len > 0 ? WASP_WAKE_ANY : '\n';
  area.wake_len = wake_len;
}

static int equals_ci(struct http_field f, const char* word) {
  size_t i = 0;
  for (; i < f.len && word[i] != '\0'; ++i) {
    char c = f.value[i];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != word[i]) return 0;
  }
  return i == f.len && word[i] == '\0';
}

// Whether the client waits for "100 Continue" before it sends the body
// (curl does for bodies over 1 KiB; RFC 9110 10.1.1).
static int expects_continue(const char* head, size_t len,
                            const struct http_request* req) {
  if (req->minor_version != 1) return 0;
  size_t pos = 0;
  struct http_field name, value;
  while (http_next_field(head, len, &pos, &name, &value)) {
    if (equals_ci(name, "expect") && equals_ci(value, "100-continue")) {
      return 1;
    }
  }
  return 0;
}

// The body has yet to come: ask for it if the client waits to be asked.
static void await_body(const char* in, size_t len, size_t head,
                       const struct http_request* req) {
  static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  if (len == head && !(area.in_flags & (WASP_INPUT_EOF | WASP_INPUT_TIMEOUT)) &&
      expects_continue(in, head, req)) {
    area.iov[0] = (struct wasp_iovec){.base = (uint64_t)(uintptr_t)kContinue,
                                      .len = sizeof kContinue - 1};
    area.iov_count = 1;
  }
  incomplete(in, len, (uint32_t)(head + req->body_length));
}

static void serve(const char* in, size_t len) {
  struct http_scan scan = {0};
  long head = http_head_length(in, len, &scan);
  if (head < 0) {
    respond_error(NULL, (int)-head);
    area.consumed = (uint32_t)len;
    return;
  }
  if (head == 0) return incomplete(in, len, 0);
  struct http_request req;
  http_parse_head(in, (size_t)head, &req);
  if (req.status == 0 || req.status == 405) {
    if (req.body_length > JS_APP_BODY_MAX) {
      req.keep_alive = 0;
      respond_error(&req, 413);
      area.consumed = (uint32_t)len;
      return;
    }
    if (req.body_length > len - (size_t)head) {
      return await_body(in, len, (size_t)head, &req);
    }
  }
  answer(in, (size_t)head, &req);
  // A refused request's body is skipped, whatever of it has arrived.
  uint64_t body = req.body_length;
  size_t here = len - (size_t)head;
  size_t take = body < here ? (size_t)body : here;
  area.consumed = (uint32_t)((size_t)head + take);
  area.skip = body - take;
}

// Hands the host why the script cannot serve, and exits (js_app.h).
static void refuse(const char* reason, size_t len, int code) {
  wasp_set_result(reason,
                  len < WASP_CALL_RESULT_MAX ? len : WASP_CALL_RESULT_MAX);
  wasp_exit(code);
}

// Loads the script; on failure reports why and exits.
static void load_script(void) {
  long size = wasp_get_config(NULL, 0);
  char* script = malloc(size > 0 ? (size_t)size : 1);
  if (size < 0 || script == NULL) wasp_exit(JS_APP_EXIT_NO_MEMORY);
  wasp_get_config(script, (size_t)size);
  // The server has no console: output is dropped, so that a script written
  // with logging still serves.
  duk_eval_string_noresult(
      ctx,
      "var console = (function() { function drop() {}"
      " return {log: drop, info: drop, warn: drop, error: drop, debug: drop};"
      " })(); function print() {}");
  duk_push_literal(ctx, "script");
  if (duk_pcompile_lstring_filename(ctx, 0, script, (size_t)size) != 0 ||
      duk_pcall(ctx, 0) != 0) {
    duk_size_t n = 0;
    const char* error = duk_safe_to_lstring(ctx, -1, &n);
    refuse(error, n, JS_APP_EXIT_SCRIPT);
  }
  duk_pop(ctx);
  free(script);
  if (!duk_get_global_literal(ctx, "handle") || !duk_is_function(ctx, -1)) {
    static const char kNoHandle[] =
        "the script defines no function handle(request)";
    refuse(kNoHandle, sizeof kNoHandle - 1, JS_APP_EXIT_NO_HANDLE);
  }
  duk_pop(ctx);
}

static uint64_t cycles(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t)hi << 32 | lo;
}

int main(void) {
  stack_limit = (uintptr_t)__builtin_frame_address(0) - kStackLimit;
  ctx = duk_create_heap(NULL, NULL, NULL, NULL, fatal);
  out = malloc(kOutCap);
  char* in = malloc(kInCap);
  if (ctx == NULL || out == NULL || in == NULL) return JS_APP_EXIT_NO_MEMORY;
  load_script();
  duk_gc(ctx, 0);  // the snapshot keeps no garbage
  area.in = (uint64_t)(uintptr_t)in;
  area.in_cap = kInCap;
  if (wasp_snapshot_requests(&area) != 0) return 1;
  serving = 1;
  js_app_reseed(ctx, cycles());
  area.iov_count = 0;
  area.out_flags = 0;
  area.consumed = 0;
  area.skip = 0;
  area.wake_len = 0;
  area.wake_byte = WASP_WAKE_ANY;
  area.log_len = 0;
  size_t len = area.in_len < area.in_cap ? area.in_len : area.in_cap;
  serve(in, len);
  return 0;
}
