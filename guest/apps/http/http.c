// An HTTP/1.1 server for the files of a docroot bundle (docroot_bundle.h):
// GET and HEAD, keep-alive, pipelining. app_init indexes the bundle once.
// Request-scoped: each run answers the complete requests it was given and
// writes no global; a run costs one exit, whatever it answers.
//
// Output: response heads and bodies up to kCopyBody bytes are copied into
// one buffer; a larger body is an output segment of its own, sent straight
// from the bundle (snapshot memory, shared by every virtine of the pool).
// A run answers requests while its output has room for one more response;
// pipelined requests beyond that are answered by the next run at once.
#include "guest/apps/app.h"
#include "guest/apps/http/docroot_bundle.h"
#include "guest/apps/http/http_parse.h"
#include "guest/runtime/wasp.h"

enum {
  kInCap = HTTP_HEAD_MAX + 1024,  // any head that breaks no limit fits
  // Small bodies ride behind their head: fewer output segments.
  kCopyBody = 4096,
  kOutCap = 16 * (kCopyBody + HTTP_RESPONSE_HEAD_MAX),
  // The access log's first buffer, behind the output's: one allocation a run.
  kLogStart = 1024,
};

const uint32_t app_input_capacity = kInCap;

// The bundle, indexed by app_init; read-only afterwards.
struct file {
  const char* path;
  const char* type;
  const uint8_t* body;
  uint32_t path_len;
  uint32_t type_len;
  uint32_t body_len;
  uint32_t mtime;
  char etag[24];           // "<mtime hex>-<length hex>", as nginx makes them
  char last_modified[30];  // HTTP-date of mtime
};

static struct file* files;
static uint32_t* slots;  // open addressing: file index + 1, 0 when empty
static uint32_t slot_mask;
static char date[WASP_DOCROOT_DATE_SIZE];

// The docroot.

static uint32_t read_u32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint32_t hash_path(const char* path, size_t len) {
  uint32_t hash = 2166136261u;  // FNV-1a
  for (size_t i = 0; i < len; ++i) {
    hash = (hash ^ (uint8_t)path[i]) * 16777619u;
  }
  return hash;
}

static const struct file* find_file(const char* path, size_t len) {
  for (uint32_t slot = hash_path(path, len) & slot_mask;; ++slot) {
    uint32_t index = slots[slot & slot_mask];
    if (index == 0) return NULL;
    const struct file* f = &files[index - 1];
    if (f->path_len == len && memcmp(f->path, path, len) == 0) return f;
  }
}

static int printable(const char* s, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if ((uint8_t)s[i] < ' ' || (uint8_t)s[i] >= 0x7f) return 0;
  }
  return 1;
}

// Reads entry `index` at *offset of the bundle; 0 on success.
static int read_entry(const uint8_t* bundle, uint64_t size, uint64_t* offset,
                      struct file* f) {
  if (size - *offset < sizeof(struct wasp_docroot_entry)) return 1;
  const uint8_t* e = bundle + *offset;
  f->path_len = read_u32(e);
  f->type_len = read_u32(e + 4);
  f->body_len = read_u32(e + 8);
  f->mtime = read_u32(e + 12);
  uint64_t end = *offset + sizeof(struct wasp_docroot_entry) +
                 (uint64_t)f->path_len + f->type_len + f->body_len;
  if (end > size || f->path_len == 0 || f->path_len > WASP_DOCROOT_PATH_MAX ||
      f->type_len > WASP_DOCROOT_TYPE_MAX) {
    return 1;
  }
  f->path = (const char*)e + sizeof(struct wasp_docroot_entry);
  f->type = f->path + f->path_len;
  f->body = (const uint8_t*)f->type + f->type_len;
  // The type goes into a header line verbatim.
  if (f->path[0] != '/' || !printable(f->type, f->type_len)) return 1;
  wasp_snprintf(f->etag, sizeof f->etag, "\"%x-%x\"", f->mtime, f->body_len);
  if (http_format_date(f->mtime, f->last_modified, sizeof f->last_modified) ==
      0) {
    return 1;
  }
  *offset = end;
  return 0;
}

static int index_bundle(const uint8_t* bundle, uint64_t size) {
  const struct wasp_docroot_header* header = (const void*)bundle;
  uint32_t count = read_u32(bundle + 4);
  if (read_u32(bundle) != WASP_DOCROOT_MAGIC || read_u32(bundle + 8) != size ||
      count > size / sizeof(struct wasp_docroot_entry)) {
    return 1;
  }
  size_t date_len = strnlen(header->date, sizeof date);
  if (date_len == sizeof date || !printable(header->date, date_len)) return 1;
  memcpy(date, header->date, date_len + 1);

  uint32_t capacity = 2;
  while (capacity < 2 * (uint64_t)count) capacity *= 2;
  files = wasp_calloc(count == 0 ? 1 : count, sizeof *files);
  slots = wasp_calloc(capacity, sizeof *slots);
  if (files == NULL || slots == NULL) return 1;
  slot_mask = capacity - 1;
  uint64_t offset = sizeof(struct wasp_docroot_header);
  for (uint32_t i = 0; i < count; ++i) {
    struct file* f = &files[i];
    if (read_entry(bundle, size, &offset, f) != 0) return 1;
    if (find_file(f->path, f->path_len) != NULL) return 1;  // a duplicate
    uint32_t slot = hash_path(f->path, f->path_len) & slot_mask;
    while (slots[slot] != 0) slot = (slot + 1) & slot_mask;
    slots[slot] = i + 1;
  }
  return offset == size ? 0 : 1;
}

int app_init(void) {
  long size = wasp_get_config(NULL, 0);
  if (size < (long)sizeof(struct wasp_docroot_header) || size > 0xffffffffl) {
    return 1;
  }
  uint8_t* bundle = wasp_malloc((size_t)size);
  if (bundle == NULL || wasp_get_config(bundle, (size_t)size) != size) return 1;
  return index_bundle(bundle, (uint64_t)size);
}

// One run.

struct reply {
  struct wasp_request_area* area;
  uint8_t* out;  // heads and small bodies
  size_t out_len;
  char* log;  // access log records, when the host keeps a log
  size_t log_len;
  size_t log_cap;
};

// The first log buffer shares the output's allocation; a larger one is
// its own.
static char* grow_log(struct reply* r, size_t cap) {
  if (r->log != (char*)r->out + kOutCap) return wasp_realloc(r->log, cap);
  char* grown = wasp_malloc(cap);
  if (grown != NULL) __builtin_memcpy(grown, r->log, r->log_len);
  return grown;
}

// The access log record of a response (nothing when the host keeps no log).
// The buffer starts small and grows to what a record can take (each byte
// escaped to at most 4), up to WASP_REQUEST_LOG_MAX.
static void log_request(struct reply* r, const struct http_request* req,
                        int status, uint64_t body_bytes) {
  if (r->log == NULL) return;
  size_t bound =
      4 * (req->request_line.len + req->referer.len + req->user_agent.len) + 64;
  if (r->log_cap - r->log_len < bound && r->log_cap < WASP_REQUEST_LOG_MAX) {
    size_t cap = r->log_cap * 2;
    while (cap - r->log_len < bound && cap < WASP_REQUEST_LOG_MAX) cap *= 2;
    if (cap > WASP_REQUEST_LOG_MAX) cap = WASP_REQUEST_LOG_MAX;
    char* grown = grow_log(r, cap);
    if (grown == NULL) return;  // the record is lost, the response is not
    r->log = grown;
    r->log_cap = cap;
  }
  r->log_len =
      http_log_record(req, status, body_bytes, r->log, r->log_len, r->log_cap);
}

// Whether one more response fits: its head and copied body, plus two
// segments (the head, a large body).
static int has_room(const struct reply* r) {
  return kOutCap - r->out_len >= HTTP_RESPONSE_HEAD_MAX + kCopyBody &&
         r->area->iov_count + 2 <= WASP_REQUEST_IOV_MAX;
}

// Appends out[from, out_len) to the output, extending the last segment
// when it ends there.
static void emit_out(struct reply* r, size_t from) {
  struct wasp_request_area* a = r->area;
  uint64_t base = (uint64_t)(uintptr_t)(r->out + from);
  size_t len = r->out_len - from;
  if (len == 0) return;
  if (a->iov_count > 0 &&
      a->iov[a->iov_count - 1].base + a->iov[a->iov_count - 1].len == base) {
    a->iov[a->iov_count - 1].len += len;
    return;
  }
  a->iov[a->iov_count++] = (struct wasp_iovec){.base = base, .len = len};
}

// Queues a response (has_room() holds): its head, then `body` unless the
// request was HEAD.
static void respond(struct reply* r, const struct http_response* resp,
                    const uint8_t* body, int send_body) {
  size_t from = r->out_len;
  r->out_len +=
      http_format_head(resp, (char*)r->out + r->out_len, kOutCap - r->out_len);
  if (send_body && resp->content_length <= kCopyBody) {
    memcpy(r->out + r->out_len, body, (size_t)resp->content_length);
    r->out_len += (size_t)resp->content_length;
  }
  emit_out(r, from);
  if (send_body && resp->content_length > kCopyBody) {
    struct wasp_request_area* a = r->area;
    a->iov[a->iov_count++] = (struct wasp_iovec){
        .base = (uint64_t)(uintptr_t)body, .len = resp->content_length};
  }
}

// Queues an error answer; whether the connection stays open. `req` is NULL
// when no head could be parsed.
static int respond_error(struct reply* r, const struct http_request* req,
                         int status, int method) {
  char body[64];
  int keep_alive =
      req != NULL && req->keep_alive && !http_status_closes(status);
  struct http_response resp = {
      .status = status,
      .content_type = "text/plain; charset=utf-8",
      .content_type_len = strlen("text/plain; charset=utf-8"),
      .content_length = http_error_body(status, body, sizeof body),
      .date = date,
      .keep_alive = keep_alive,
  };
  // Short, so respond() copies it off this stack.
  respond(r, &resp, (const uint8_t*)body, method != HTTP_HEAD);
  if (!keep_alive) r->area->out_flags |= WASP_OUTPUT_CLOSE;
  static const struct http_request kNoRequest;
  log_request(r, req != NULL ? req : &kNoRequest, status,
              method != HTTP_HEAD ? resp.content_length : 0);
  return keep_alive;
}

// Whether `path` (no trailing '/') names a directory with an index.html.
static int is_directory(const char* path, size_t len) {
  static const char kIndex[] = "/index.html";
  char dir[WASP_DOCROOT_PATH_MAX];
  if (len == 0 || path[len - 1] == '/' ||
      len + sizeof kIndex - 1 > sizeof dir) {
    return 0;
  }
  memcpy(dir, path, len);
  memcpy(dir + len, kIndex, sizeof kIndex - 1);
  return find_file(dir, len + sizeof kIndex - 1) != NULL;
}

// 301 to the directory's URL, "/dir" -> "/dir/" (query kept), as nginx
// answers; the raw target goes into Location, never the decoded path.
static int redirect_to_directory(struct reply* r,
                                 const struct http_request* req) {
  const char* t = req->target;
  size_t query = 0;
  while (query < req->target_len && t[query] != '?') ++query;
  if (req->target_len == 0 || t[0] != '/' || req->target_len + 1 > 1024) {
    return respond_error(r, req, 404, req->method);
  }
  char location[1024];
  memcpy(location, t, query);
  location[query] = '/';
  memcpy(location + query + 1, t + query, req->target_len - query);
  char body[64];
  struct http_response resp = {
      .status = 301,
      .content_type = "text/plain; charset=utf-8",
      .content_type_len = strlen("text/plain; charset=utf-8"),
      .content_length = http_error_body(301, body, sizeof body),
      .date = date,
      .minor_version = req->minor_version,
      .keep_alive = req->keep_alive,
      .location = location,
      .location_len = req->target_len + 1,
  };
  // Short, so respond() copies it (and the head its Location) off this stack.
  respond(r, &resp, (const uint8_t*)body, req->method != HTTP_HEAD);
  log_request(r, req, 301, req->method != HTTP_HEAD ? resp.content_length : 0);
  if (!req->keep_alive) r->area->out_flags |= WASP_OUTPUT_CLOSE;
  return req->keep_alive;
}

// Queues the answer to a parsed request; whether the connection stays open.
static int answer(struct reply* r, const struct http_request* req) {
  if (req->status != 0) return respond_error(r, req, req->status, req->method);
  char path[WASP_DOCROOT_PATH_MAX];
  long path_len =
      http_decode_path(req->target, req->target_len, path, sizeof path);
  const struct file* f =
      path_len > 0 ? find_file(path, (size_t)path_len) : NULL;
  if (f == NULL && path_len > 0 && is_directory(path, (size_t)path_len)) {
    return redirect_to_directory(r, req);
  }
  if (f == NULL) {
    return respond_error(r, req, path_len < 0 ? (int)-path_len : 404,
                         req->method);
  }
  struct http_response resp = {
      .status = 200,
      .content_type = f->type,
      .content_type_len = f->type_len,
      .content_length = f->body_len,
      .date = date,
      .minor_version = req->minor_version,
      .keep_alive = req->keep_alive,
      .etag = f->etag,
      .last_modified = f->last_modified,
      .accept_ranges = 1,
  };
  const uint8_t* body = f->body;
  if (http_not_modified(req, f->etag, f->last_modified)) {
    resp.status = 304;
    resp.content_type_len = 0;
    resp.content_length = 0;
  } else {
    uint64_t first = 0, last = 0;
    int range = http_byte_range(req, f->body_len, f->etag, f->last_modified,
                                &first, &last);
    if (range == -416) {
      char text[64];
      resp.status = 416;
      resp.range_total = f->body_len;
      resp.content_type = "text/plain; charset=utf-8";
      resp.content_type_len = strlen(resp.content_type);
      resp.content_length = http_error_body(416, text, sizeof text);
      // Short, so respond() copies it off this stack.
      respond(r, &resp, (const uint8_t*)text, req->method != HTTP_HEAD);
      log_request(r, req, 416,
                  req->method != HTTP_HEAD ? resp.content_length : 0);
      if (!req->keep_alive) r->area->out_flags |= WASP_OUTPUT_CLOSE;
      return req->keep_alive;
    }
    if (range == 1) {
      resp.status = 206;
      resp.range_first = first;
      resp.range_last = last;
      resp.range_total = f->body_len;
      resp.content_length = last - first + 1;
      body += first;
    }
  }
  int send_body = req->method != HTTP_HEAD && resp.status != 304;
  respond(r, &resp, body, send_body);
  log_request(r, req, resp.status, send_body ? resp.content_length : 0);
  if (!req->keep_alive) r->area->out_flags |= WASP_OUTPUT_CLOSE;
  return req->keep_alive;
}

// Whether a request has begun: empty lines between requests do not count.
static int in_request(const char* in, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (in[i] != '\r' && in[i] != '\n') return 1;
  }
  return 0;
}

// Answers requests from in[0, len); returns the bytes answered.
static size_t serve(struct reply* r, const char* in, size_t len) {
  struct wasp_request_area* a = r->area;
  size_t start = 0;
  for (;;) {
    if (!has_room(r)) {
      a->wake_byte = WASP_WAKE_ANY;  // the rest is answered by the next run
      return start;
    }
    struct http_scan scan = {0};
    long head = http_head_length(in + start, len - start, &scan);
    if (head < 0) {
      respond_error(r, NULL, (int)-head, HTTP_OTHER);
      return len;
    }
    if (head == 0) {
      if (a->in_flags & WASP_INPUT_TIMEOUT &&
          in_request(in + start, len - start)) {
        respond_error(r, NULL, 408, HTTP_OTHER);
      }
      if (a->in_flags & (WASP_INPUT_EOF | WASP_INPUT_TIMEOUT)) {
        a->out_flags |= WASP_OUTPUT_CLOSE;
        return len;
      }
      a->wake_byte = '\n';  // a head can only end with a line
      return start;
    }
    struct http_request req;
    http_parse_head(in + start, (size_t)head, &req);
    start += (size_t)head;
    if (!answer(r, &req)) return len;
    // A body is discarded: what is here now, and the host skips the rest.
    size_t here = len - start;
    size_t take = req.body_length < here ? (size_t)req.body_length : here;
    start += take;
    a->skip = req.body_length - take;
    if (a->skip > 0) return start;
  }
}

int app_handle(struct wasp_request_area* area) {
  size_t log_cap = area->in_flags & WASP_INPUT_LOG ? kLogStart : 0;
  struct reply r = {.area = area, .out = wasp_malloc(kOutCap + log_cap)};
  if (r.out == NULL) return 1;
  if (log_cap != 0) {
    r.log = (char*)r.out + kOutCap;
    r.log_cap = log_cap;
  }
  size_t len = area->in_len < area->in_cap ? area->in_len : area->in_cap;
  area->iov_count = 0;
  area->out_flags = 0;
  area->skip = 0;
  area->wake_len = 0;
  area->wake_byte = WASP_WAKE_ANY;
  area->consumed = (uint32_t)serve(&r, (const char*)(uintptr_t)area->in, len);
  area->log = (uint64_t)(uintptr_t)r.log;
  area->log_len = (uint32_t)r.log_len;
  return 0;
}
