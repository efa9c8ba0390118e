// An HTTP/1.1 server for the files of a docroot bundle (docroot_bundle.h):
// GET and HEAD, keep-alive, pipelining. app_init indexes the bundle once;
// app_serve answers one connection and writes no global.
//
// Exits per request: a keep-alive response with a body up to kSmallBody
// bytes is copied behind its head and sent with the receive of the next
// request (one WASP_HC_SEND_RECV); a larger body is sent from the bundle
// without a copy, the head by WASP_HC_SEND and the body with the next
// receive (two exits). Responses to pipelined requests already received go
// out together. The last response closes the connection in the same exit
// (wasp_send_close): a one-request connection costs one exit.
#include "guest/apps/app.h"
#include "guest/apps/http/docroot_bundle.h"
#include "guest/apps/http/http_parse.h"
#include "guest/apps/io_buffer.h"
#include "guest/runtime/wasp.h"

enum {
  kInCap = HTTP_HEAD_MAX + 1024,  // any head that breaks no limit fits
  // Copying 64 KiB costs less than an exit (2-5 us on bare metal, ~20 here).
  kSmallBody = 64 * 1024,
  kOutCap = kSmallBody + HTTP_RESPONSE_HEAD_MAX,
};

// The bundle, indexed by app_init; read-only afterwards.
struct file {
  const char* path;
  const char* type;
  const uint8_t* body;
  uint32_t path_len;
  uint32_t type_len;
  uint32_t body_len;
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

// One connection.

struct connection {
  uint8_t* in;  // requests: in[start, len) not yet answered
  size_t start;
  size_t len;
  struct http_scan scan;  // of the head at in + start
  uint64_t skip;          // request body bytes still to discard
  uint8_t* out;           // responses not yet sent
  size_t out_len;
  const uint8_t* body;  // then this large body, from the bundle
  size_t body_len;
};

// Sends everything queued; 0 or -WASP_E*.
static long flush(struct connection* c) {
  long sent = 0;
  if (c->out_len > 0) sent = wasp_send(c->out, c->out_len);
  if (sent >= 0 && c->body_len > 0) sent = wasp_send(c->body, c->body_len);
  c->out_len = c->body_len = 0;
  return sent < 0 ? sent : 0;
}

// Sends everything queued and ends the connection, the close in the same
// exit as the last bytes; returns only when nothing was queued.
static void flush_and_close(struct connection* c) {
  if (c->body_len > 0) {
    if (c->out_len > 0 && wasp_send(c->out, c->out_len) < 0) return;
    wasp_send_close(c->body, c->body_len);
  }
  if (c->out_len > 0) wasp_send_close(c->out, c->out_len);
}

// Sends everything queued and receives more requests, in one exit when
// only `out` is queued. Returns as wasp_recv.
static long flush_and_receive(struct connection* c) {
  size_t unread = c->len - c->start;
  if (c->start > 0) memmove(c->in, c->in + c->start, unread);
  c->start = 0;
  c->len = unread;
  uint8_t* in = c->in + c->len;
  size_t cap = kInCap - c->len;
  long result;
  if (c->body_len > 0) {
    result = c->out_len > 0 ? wasp_send(c->out, c->out_len) : 0;
    if (result >= 0) result = wasp_send_recv(c->body, c->body_len, in, cap);
  } else if (c->out_len > 0) {
    result = wasp_send_recv(c->out, c->out_len, in, cap);
  } else {
    result = wasp_recv(in, cap);
  }
  c->out_len = c->body_len = 0;
  return result;
}

// Queues a response: its head, then `body` unless the request was HEAD.
static void respond(struct connection* c, const struct http_response* resp,
                    const uint8_t* body, int send_body) {
  size_t copy = send_body && resp->content_length <= kSmallBody
                    ? (size_t)resp->content_length
                    : 0;
  if (c->body_len > 0 || kOutCap - c->out_len < HTTP_RESPONSE_HEAD_MAX + copy) {
    flush(c);
  }
  c->out_len +=
      http_format_head(resp, (char*)c->out + c->out_len, kOutCap - c->out_len);
  if (copy > 0) {
    memcpy(c->out + c->out_len, body, copy);
    c->out_len += copy;
  } else if (send_body) {
    c->body = body;
    c->body_len = (size_t)resp->content_length;
  }
}

static void respond_error(struct connection* c, int status, int method) {
  char body[64];
  struct http_response resp = {
      .status = status,
      .content_type = "text/plain; charset=utf-8",
      .content_type_len = strlen("text/plain; charset=utf-8"),
      .content_length = http_error_body(status, body, sizeof body),
      .date = date,
      .keep_alive = 0,
  };
  // Short, so respond() copies it off this stack.
  respond(c, &resp, (const uint8_t*)body, method != HTTP_HEAD);
}

// Queues the answer to a parsed request; whether the connection stays open.
static int answer(struct connection* c, const struct http_request* req) {
  if (req->status != 0) {
    respond_error(c, req->status, req->method);
    return 0;
  }
  char path[WASP_DOCROOT_PATH_MAX];
  long path_len =
      http_decode_path(req->target, req->target_len, path, sizeof path);
  const struct file* f =
      path_len > 0 ? find_file(path, (size_t)path_len) : NULL;
  if (f == NULL) {
    respond_error(c, path_len < 0 ? (int)-path_len : 404, req->method);
    return 0;
  }
  struct http_response resp = {
      .status = 200,
      .content_type = f->type,
      .content_type_len = f->type_len,
      .content_length = f->body_len,
      .date = date,
      .minor_version = req->minor_version,
      .keep_alive = req->keep_alive,
  };
  respond(c, &resp, f->body, req->method != HTTP_HEAD);
  c->skip = req->body_length;
  return req->keep_alive;
}

// Discards request body bytes; whether any are still to come.
static int skip_body(struct connection* c) {
  size_t available = c->len - c->start;
  size_t take = c->skip < available ? (size_t)c->skip : available;
  c->start += take;
  c->skip -= take;
  return c->skip > 0;
}

// Whether a request has begun: empty lines between requests do not count.
static int in_request(const struct connection* c) {
  for (size_t i = c->start; i < c->len; ++i) {
    if (c->in[i] != '\r' && c->in[i] != '\n') return 1;
  }
  return 0;
}

static void serve(struct connection* c) {
  for (;;) {
    long head = 0;
    if (!skip_body(c)) {
      head = http_head_length((const char*)c->in + c->start, c->len - c->start,
                              &c->scan);
    }
    if (head < 0) {
      respond_error(c, (int)-head, HTTP_OTHER);
      return;
    }
    if (head == 0) {
      long received = flush_and_receive(c);
      if (received > 0) {
        c->len += (size_t)received;
        continue;
      }
      // Silence in the middle of a request is answered; between requests
      // the connection just closes.
      if (received == -WASP_ETIMEDOUT && (in_request(c) || c->skip > 0)) {
        respond_error(c, 408, HTTP_OTHER);
      }
      return;
    }
    struct http_request req;
    http_parse_head((const char*)c->in + c->start, (size_t)head, &req);
    c->start += (size_t)head;
    c->scan = (struct http_scan){0};
    if (!answer(c, &req)) return;
  }
}

int app_serve(void) {
  struct connection c = {0};
  c.in = app_io_buffer(kInCap);
  c.out = app_io_buffer(kOutCap);
  int status = 1;
  if (c.in != NULL && c.out != NULL) {
    long first = wasp_get_arg(c.in, kInCap);
    c.len = first < 0 ? 0 : first > kInCap ? kInCap : (size_t)first;
    serve(&c);
    flush_and_close(&c);
    status = 0;
  }
  wasp_free(c.in);
  wasp_free(c.out);
  return status;
}
