// An example app for wasp-server, built outside the tree with the SDK:
//   wasp-app-cc -o quotes.elf quotes.c && wasp-server --app=./quotes.elf
// A small JSON API over a data set compiled into the image:
//   GET /quotes      all quotes, as a JSON array
//   GET /quotes/N    quote N, as a JSON object; 404 if there is none
// Request-scoped: each run answers the complete requests it was given
// (keep-alive, pipelining) and keeps nothing for the next.
#include <wasp/app.h>

struct quote {
  const char* author;
  const char* text;
};

static const struct quote kQuotes[] = {
    {"Ada Lovelace", "The Analytical Engine weaves algebraic patterns."},
    {"Grace Hopper",
     "The most dangerous phrase is: we have always done it "
     "this way."},
    {"Edsger Dijkstra", "Simplicity is prerequisite for reliability."},
};
enum { kCount = sizeof kQuotes / sizeof kQuotes[0] };

const uint32_t app_input_capacity = 8192;

int app_init(void) { return 0; }

// Appends a response with a JSON body; returns the new length.
static size_t respond(char* out, size_t len, size_t cap, int status,
                      const char* body, size_t body_len) {
  int n = wasp_snprintf(out + len, cap - len,
                        "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\n\r\n",
                        status, status == 200 ? "OK" : "Not Found", body_len);
  if (n < 0 || (size_t)n + body_len > cap - len) return len;
  memcpy(out + len + n, body, body_len);
  return len + (size_t)n + body_len;
}

static size_t quote_json(char* out, size_t cap, int i) {
  int n =
      wasp_snprintf(out, cap, "{\"id\":%d,\"author\":\"%s\",\"text\":\"%s\"}",
                    i, kQuotes[i].author, kQuotes[i].text);
  return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

// Answers one request line ("GET /quotes/2 HTTP/1.1").
static size_t answer(const char* line, size_t n, char* out, size_t len,
                     size_t cap) {
  char body[2048];
  size_t body_len = 0;
  if (n >= 12 && memcmp(line, "GET /quotes ", 12) == 0) {
    body[body_len++] = '[';
    for (int i = 0; i < kCount; ++i) {
      if (i > 0) body[body_len++] = ',';
      body_len += quote_json(body + body_len, sizeof body - body_len - 2, i);
    }
    body[body_len++] = ']';
    return respond(out, len, cap, 200, body, body_len);
  }
  if (n >= 13 && memcmp(line, "GET /quotes/", 12) == 0 && line[12] >= '0' &&
      line[12] < '0' + kCount && line[13] == ' ') {
    body_len = quote_json(body, sizeof body, line[12] - '0');
    return respond(out, len, cap, 200, body, body_len);
  }
  static const char kMissing[] = "{\"error\":\"not found\"}";
  return respond(out, len, cap, 404, kMissing, sizeof kMissing - 1);
}

int app_handle(struct wasp_request_area* area) {
  const char* in = (const char*)(uintptr_t)area->in;
  size_t len = area->in_len < area->in_cap ? area->in_len : area->in_cap;
  size_t cap = 16 * 1024, out_len = 0, start = 0;
  char* out = wasp_malloc(cap);
  if (out == NULL) return 1;
  int full = 0;
  // Each complete request: a head that ends with an empty line.
  for (size_t i = start; i + 3 < len; ++i) {
    if (memcmp(in + i, "\r\n\r\n", 4) != 0) continue;
    size_t line_end = start;
    while (line_end < i && in[line_end] != '\r') ++line_end;
    if (cap - out_len < 4096) {
      full = 1;  // the rest is answered by the next run, at once
      break;
    }
    out_len = answer(in + start, line_end - start, out, out_len, cap);
    start = i + 4;
  }
  area->iov[0] = (struct wasp_iovec){(uint64_t)(uintptr_t)out, out_len};
  area->iov_count = out_len > 0;
  area->consumed = (uint32_t)start;
  area->skip = 0;
  // A partial head can only complete with a line end.
  area->wake_byte = full ? WASP_WAKE_ANY : '\n';
  area->wake_len = 0;
  area->out_flags = area->in_flags ? WASP_OUTPUT_CLOSE : 0;
  return 0;
}
