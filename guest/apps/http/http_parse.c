// HTTP/1.1 request parsing and response heads; see http_parse.h.
#include "guest/apps/http/http_parse.h"

// Characters.

static int is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z')) {
    return 1;
  }
  for (const char* p = "!#$%&'*+-.^_`|~"; *p != '\0'; ++p) {
    if (c == (unsigned char)*p) return 1;
  }
  return 0;
}

static unsigned char to_lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = to_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Whether s[0, n) equals the lower-case `word`, ignoring case.
static int equals_ci(const char* s, size_t n, const char* word) {
  size_t i = 0;
  for (; i < n && word[i] != '\0'; ++i) {
    if (to_lower((unsigned char)s[i]) != (unsigned char)word[i]) return 0;
  }
  return i == n && word[i] == '\0';
}

static int equals(const char* s, size_t n, const char* word) {
  size_t i = 0;
  for (; i < n && word[i] != '\0'; ++i) {
    if (s[i] != word[i]) return 0;
  }
  return i == n && word[i] == '\0';
}

static int starts_with_ci(const char* s, size_t n, const char* prefix) {
  size_t i = 0;
  for (; prefix[i] != '\0'; ++i) {
    if (i == n || to_lower((unsigned char)s[i]) != (unsigned char)prefix[i]) {
      return 0;
    }
  }
  return 1;
}

// The head.

long http_head_length(const char* buf, size_t len, struct http_scan* scan) {
  for (; scan->pos < len; ++scan->pos) {
    if (buf[scan->pos] != '\n') continue;
    size_t end = scan->pos + 1;
    size_t content = scan->pos - scan->line_start;
    if (content > 0 && buf[scan->pos - 1] == '\r') --content;
    if (scan->request_line_end == 0) {
      if (end > HTTP_REQUEST_LINE_MAX) return -414;
      if (content > 0) scan->request_line_end = end;
    } else {
      if (end - scan->request_line_end > HTTP_HEADERS_MAX) return -431;
      if (content == 0) return (long)end;
    }
    scan->line_start = end;
  }
  if (scan->request_line_end == 0) {
    if (len > HTTP_REQUEST_LINE_MAX) return -414;
  } else if (len - scan->request_line_end > HTTP_HEADERS_MAX) {
    return -431;
  }
  return 0;
}

// The line at *pos without its ending; advances *pos past it. 0 at the end.
static int next_line(const char* head, size_t len, size_t* pos,
                     const char** line, size_t* line_len) {
  if (*pos >= len) return 0;
  size_t start = *pos, end = start;
  while (end < len && head[end] != '\n') ++end;
  *pos = end < len ? end + 1 : end;
  if (end > start && head[end - 1] == '\r') --end;
  *line = head + start;
  *line_len = end - start;
  return 1;
}

// Parses "METHOD SP target SP HTTP/d.d"; 0 or an error status.
static int parse_request_line(const char* line, size_t n,
                              struct http_request* req) {
  size_t i = 0;
  while (i < n && is_tchar((unsigned char)line[i])) ++i;
  size_t method_len = i;
  if (method_len == 0 || i == n || line[i] != ' ') return 400;
  size_t target = ++i;
  while (i < n && (unsigned char)line[i] > ' ' && (unsigned char)line[i] < 0x7f)
    ++i;
  if (i == target || i == n || line[i] != ' ') return 400;
  req->target = line + target;
  req->target_len = i - target;
  ++i;
  const char* v = line + i;
  if (n - i != 8 || !equals(v, 5, "HTTP/") || !is_digit(v[5]) || v[6] != '.' ||
      !is_digit(v[7])) {
    return 400;
  }
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return 505;
  req->minor_version = v[7] - '0';
  req->method_name = (struct http_field){line, method_len};
  if (equals(line, method_len, "GET")) {
    req->method = HTTP_GET;
  } else if (equals(line, method_len, "HEAD")) {
    req->method = HTTP_HEAD;
  } else {
    return 405;
  }
  return 0;
}

struct header_state {
  int hosts;
  int close;
  int keep_alive;
  int has_length;
  int transfer_encoding;
};

// Notes the tokens of a Connection header.
static void parse_connection(const char* v, size_t n, struct header_state* h) {
  size_t i = 0;
  while (i < n) {
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) ++i;
    size_t start = i;
    while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t') ++i;
    if (equals_ci(v + start, i - start, "close")) h->close = 1;
    if (equals_ci(v + start, i - start, "keep-alive")) h->keep_alive = 1;
  }
}

// A Content-Length: digits only; repeats must agree. 0 or 400.
static int parse_length(const char* v, size_t n, struct header_state* h,
                        struct http_request* req) {
  if (n == 0 || n > 15) return 400;
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_digit(v[i])) return 400;
    value = value * 10 + (uint64_t)(v[i] - '0');
  }
  if (h->has_length && value != req->body_length) return 400;
  h->has_length = 1;
  req->body_length = value;
  return 0;
}

// One "name: value" line; 0 or an error status.
static int parse_header(const char* line, size_t n, struct header_state* h,
                        struct http_request* req) {
  size_t i = 0;
  while (i < n && is_tchar((unsigned char)line[i])) ++i;
  // Also refuses obs-fold and whitespace before the colon.
  if (i == 0 || i == n || line[i] != ':') return 400;
  size_t name_len = i++;
  for (size_t j = i; j < n; ++j) {
    unsigned char c = (unsigned char)line[j];
    if ((c < ' ' && c != '\t') || c == 0x7f) return 400;
  }
  while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
  while (n > i && (line[n - 1] == ' ' || line[n - 1] == '\t')) --n;
  const char* value = line + i;
  size_t value_len = n - i;
  if (equals_ci(line, name_len, "host")) {
    ++h->hosts;
  } else if (equals_ci(line, name_len, "connection")) {
    parse_connection(value, value_len, h);
  } else if (equals_ci(line, name_len, "content-length")) {
    return parse_length(value, value_len, h, req);
  } else if (equals_ci(line, name_len, "transfer-encoding")) {
    h->transfer_encoding = 1;
  } else if (equals_ci(line, name_len, "if-none-match")) {
    req->if_none_match = (struct http_field){value, value_len};
  } else if (equals_ci(line, name_len, "if-modified-since")) {
    req->if_modified_since = (struct http_field){value, value_len};
  } else if (equals_ci(line, name_len, "range")) {
    req->range = (struct http_field){value, value_len};
  } else if (equals_ci(line, name_len, "if-range")) {
    req->if_range = (struct http_field){value, value_len};
  } else if (equals_ci(line, name_len, "referer")) {
    req->referer = (struct http_field){value, value_len};
  } else if (equals_ci(line, name_len, "user-agent")) {
    req->user_agent = (struct http_field){value, value_len};
  }
  return 0;
}

static int parse_request(const char* head, size_t len,
                         struct http_request* req) {
  size_t pos = 0;
  const char* line;
  size_t n;
  do {
    if (!next_line(head, len, &pos, &line, &n)) return 400;
  } while (n == 0);
  req->request_line = (struct http_field){line, n};
  for (size_t i = 0; i < n; ++i) {
    if ((unsigned char)line[i] < ' ' || line[i] == 0x7f) return 400;
  }
  // An unknown method is answered after the headers: its body is framed, and
  // the connection may stay open.
  const int line_status = parse_request_line(line, n, req);
  if (line_status != 0 && line_status != 405) return line_status;
  int status;
  struct header_state h = {0};
  while (next_line(head, len, &pos, &line, &n) && n > 0) {
    status = parse_header(line, n, &h, req);
    if (status != 0) return status;
  }
  if (h.hosts > 1 || (req->minor_version == 1 && h.hosts == 0)) return 400;
  // Both framings at once is how requests are smuggled (RFC 9112 6.1):
  // refuse, as nginx does. Chunked bodies alone are not supported.
  if (h.transfer_encoding && h.has_length) return 400;
  if (h.transfer_encoding) return 501;
  req->keep_alive =
      req->minor_version == 1 ? !h.close : h.keep_alive && !h.close;
  return line_status;
}

void http_parse_head(const char* head, size_t len, struct http_request* req) {
  *req = (struct http_request){0};
  req->status = parse_request(head, len, req);
  if (http_status_closes(req->status)) req->keep_alive = 0;
}

int http_next_field(const char* head, size_t len, size_t* pos,
                    struct http_field* name, struct http_field* value) {
  const char* line;
  size_t n;
  if (*pos == 0) {  // past the empty lines and the request line
    do {
      if (!next_line(head, len, pos, &line, &n)) return 0;
    } while (n == 0);
  }
  for (;;) {
    if (!next_line(head, len, pos, &line, &n) || n == 0) return 0;
    size_t colon = 0;
    while (colon < n && line[colon] != ':') ++colon;
    if (colon == 0 || colon == n) continue;  // not a field: parsing refused it
    size_t start = colon + 1;
    while (start < n && (line[start] == ' ' || line[start] == '\t')) ++start;
    while (n > start && (line[n - 1] == ' ' || line[n - 1] == '\t')) --n;
    *name = (struct http_field){line, colon};
    *value = (struct http_field){line + start, n - start};
    return 1;
  }
}

int http_status_closes(int status) {
  switch (status) {
    case 400:
    case 408:
    case 413:
    case 414:
    case 431:
    case 500:
    case 501:
    case 505:
      return 1;
    default:
      return 0;
  }
}

// Paths.

long http_decode_path(const char* target, size_t len, char* out, size_t cap) {
  size_t i = 0;
  if (starts_with_ci(target, len, "http://") ||
      starts_with_ci(target, len, "https://")) {
    i = target[4] == ':' ? 7 : 8;
    size_t authority = i;
    while (i < len && target[i] != '/' && target[i] != '?' && target[i] != '#')
      ++i;
    if (i == authority) return -400;
  } else if (len == 0 || target[0] != '/') {
    return -400;
  }
  size_t n = 0, segment_len = 0, segment_dots = 0;
  if (i == len || target[i] != '/') {  // "http://host" or "http://host?q"
    if (cap > 0) out[0] = '/';
    n = 1;
    i = len;
  }
  for (; i < len && target[i] != '?' && target[i] != '#'; ++i) {
    unsigned char c = (unsigned char)target[i];
    if (c == '%') {
      if (len - i < 3) return -400;
      int high = hex_value((unsigned char)target[i + 1]);
      int low = hex_value((unsigned char)target[i + 2]);
      if (high < 0 || low < 0) return -400;
      c = (unsigned char)(high * 16 + low);
      i += 2;
    }
    if (c == '\0' || c == '\\') return -400;
    if (c == '/') {
      if (segment_len == 2 && segment_dots == 2) return -400;
      segment_len = segment_dots = 0;
    } else {
      ++segment_len;
      if (c == '.') ++segment_dots;
    }
    if (n < cap) out[n] = (char)c;
    ++n;
  }
  if (segment_len == 2 && segment_dots == 2) return -400;
  if (n > cap) return -404;
  if (out[n - 1] == '/') {
    const char* index = "index.html";
    for (size_t j = 0; index[j] != '\0'; ++j, ++n) {
      if (n == cap) return -404;
      out[n] = index[j];
    }
  }
  return (long)n;
}

// Conditional and range requests.

static size_t c_strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

// An entity tag without its weakness marker: weak comparison (RFC 9110
// 8.8.3.2) as If-None-Match asks.
static void strip_weak(const char** tag, size_t* n) {
  if (*n >= 2 && (*tag)[0] == 'W' && (*tag)[1] == '/') {
    *tag += 2;
    *n -= 2;
  }
}

// Whether the comma-separated list of entity tags holds `etag` or "*".
static int etag_listed(struct http_field list, const char* etag) {
  const char* want = etag;
  size_t want_len = c_strlen(etag);
  strip_weak(&want, &want_len);
  size_t i = 0;
  while (i < list.len) {
    while (i < list.len && (list.value[i] == ' ' || list.value[i] == '\t' ||
                            list.value[i] == ',')) {
      ++i;
    }
    size_t start = i;
    if (i < list.len && list.value[i] == '*') return 1;
    if (i + 1 < list.len && list.value[i] == 'W' && list.value[i + 1] == '/') {
      i += 2;
    }
    if (i < list.len && list.value[i] == '"') {
      ++i;
      while (i < list.len && list.value[i] != '"') ++i;
      if (i < list.len) ++i;  // the closing quote
    } else {
      while (i < list.len && list.value[i] != ',') ++i;  // not a tag: skip
    }
    const char* tag = list.value + start;
    size_t n = i - start;
    strip_weak(&tag, &n);
    if (n == want_len && equals(tag, n, want)) return 1;
  }
  return 0;
}

int http_not_modified(const struct http_request* req, const char* etag,
                      const char* last_modified) {
  if (req->method != HTTP_GET && req->method != HTTP_HEAD) return 0;
  if (req->if_none_match.len > 0) {
    return etag != NULL && etag_listed(req->if_none_match, etag);
  }
  return req->if_modified_since.len > 0 && last_modified != NULL &&
         req->if_modified_since.len == c_strlen(last_modified) &&
         equals(req->if_modified_since.value, req->if_modified_since.len,
                last_modified);
}

// Digits into *value; how many were read (0: none, or it overflowed).
static size_t parse_u64(const char* s, size_t n, uint64_t* value) {
  size_t i = 0;
  *value = 0;
  while (i < n && is_digit(s[i])) {
    uint64_t digit = (uint64_t)(s[i] - '0');
    if (*value > (UINT64_MAX - digit) / 10) return 0;
    *value = *value * 10 + digit;
    ++i;
  }
  return i;
}

int http_byte_range(const struct http_request* req, uint64_t size,
                    const char* etag, const char* last_modified,
                    uint64_t* first, uint64_t* last) {
  struct http_field r = req->range;
  if (req->method != HTTP_GET || r.len == 0) return 0;
  // If-Range: the range only if the client's copy is this one (a strong
  // ETag or the exact date).
  if (req->if_range.len > 0) {
    struct http_field c = req->if_range;
    int same = (etag != NULL && c.len == c_strlen(etag) &&
                equals(c.value, c.len, etag) && c.value[0] == '"') ||
               (last_modified != NULL && c.len == c_strlen(last_modified) &&
                equals(c.value, c.len, last_modified));
    if (!same) return 0;
  }
  if (!starts_with_ci(r.value, r.len, "bytes=")) return 0;
  const char* spec = r.value + 6;
  size_t n = r.len - 6;
  while (n > 0 && (spec[n - 1] == ' ' || spec[n - 1] == '\t')) --n;
  for (size_t i = 0; i < n; ++i) {
    if (spec[i] == ',') return 0;  // several ranges: the whole body
  }
  // As nginx: a byte range it cannot read is unsatisfiable (416).
  uint64_t a, b;
  if (n > 0 && spec[0] == '-') {  // the last b bytes
    size_t digits = parse_u64(spec + 1, n - 1, &b);
    if (digits == 0 || digits != n - 1 || b == 0 || size == 0) return -416;
    *first = b >= size ? 0 : size - b;
    *last = size - 1;
    return 1;
  }
  size_t digits = parse_u64(spec, n, &a);
  if (digits == 0 || digits == n || spec[digits] != '-') return -416;
  size_t rest = n - digits - 1;
  if (rest == 0) {
    b = UINT64_MAX;  // to the end
  } else {
    size_t end_digits = parse_u64(spec + digits + 1, rest, &b);
    if (end_digits == 0 || end_digits != rest || b < a) return -416;
  }
  if (a >= size) return -416;
  *first = a;
  *last = b < size - 1 ? b : size - 1;
  return 1;
}

size_t http_format_date(uint64_t seconds, char* out, size_t cap) {
  static const char days[] = "ThuFriSatSunMonTueWed";  // 1970-01-01: Thu
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (cap < 30) return 0;
  uint64_t day = seconds / 86400, rem = seconds % 86400;
  // Civil date from days since the epoch (Howard Hinnant's algorithm).
  uint64_t z = day + 719468;
  uint64_t era = z / 146097;
  uint64_t doe = z - era * 146097;
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  uint64_t y = yoe + era * 400;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  uint64_t d = doy - (153 * mp + 2) / 5 + 1;
  uint64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  if (y > 9999) return 0;
  const char* wd = days + 3 * (day % 7);
  const char* mo = months + 3 * (m - 1);
  char* p = out;
  *p++ = wd[0], *p++ = wd[1], *p++ = wd[2], *p++ = ',', *p++ = ' ';
  *p++ = (char)('0' + d / 10), *p++ = (char)('0' + d % 10), *p++ = ' ';
  *p++ = mo[0], *p++ = mo[1], *p++ = mo[2], *p++ = ' ';
  *p++ = (char)('0' + y / 1000), *p++ = (char)('0' + y / 100 % 10);
  *p++ = (char)('0' + y / 10 % 10), *p++ = (char)('0' + y % 10), *p++ = ' ';
  uint64_t parts[3] = {rem / 3600, rem / 60 % 60, rem % 60};
  for (int i = 0; i < 3; ++i) {
    *p++ = (char)('0' + parts[i] / 10);
    *p++ = (char)('0' + parts[i] % 10);
    *p++ = i < 2 ? ':' : ' ';
  }
  *p++ = 'G', *p++ = 'M', *p++ = 'T';
  *p = '\0';
  return 29;
}

// Responses.

struct writer {
  char* out;
  size_t cap;
  size_t len;
  int overflow;
};

static void put(struct writer* w, const char* s, size_t n) {
  if (n > w->cap - w->len) {
    w->overflow = 1;
    return;
  }
  __builtin_memcpy(w->out + w->len, s, n);  // the runtime's memcpy in a guest
  w->len += n;
}

// A string literal, its length known when compiled.
#define put_literal(w, s) put((w), (s), sizeof(s) - 1)

static void put_str(struct writer* w, const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  put(w, s, n);
}

static void put_u64(struct writer* w, uint64_t value) {
  char digits[20];
  size_t n = 0;
  do {
    digits[sizeof digits - ++n] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  put(w, digits + sizeof digits - n, n);
}

const char* http_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 416:
      return "Range Not Satisfiable";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

size_t http_format_head(const struct http_response* resp, char* out,
                        size_t cap) {
  struct writer w = {out, cap, 0, 0};
  put_literal(&w, "HTTP/1.1 ");
  put_u64(&w, (uint64_t)resp->status);
  put_literal(&w, " ");
  put_str(&w, http_reason(resp->status));
  put_literal(&w, "\r\nServer: wasp\r\n");
  // Without a clock an origin server sends no Date (RFC 9110 6.6.1).
  if (resp->date != NULL && resp->date[0] != '\0') {
    put_literal(&w, "Date: ");
    put_str(&w, resp->date);
    put_literal(&w, "\r\n");
  }
  if (resp->content_type_len > 0) {
    put_literal(&w, "Content-Type: ");
    put(&w, resp->content_type, resp->content_type_len);
    put_literal(&w, "\r\n");
  }
  // A 304 has no body, its length would be the full representation's; a 204
  // has none and must not say so (RFC 9110 8.6).
  if (resp->status != 304 && resp->status != 204) {
    put_literal(&w, "Content-Length: ");
    put_u64(&w, resp->content_length);
    put_literal(&w, "\r\n");
  }
  if (resp->location_len > 0) {
    put_literal(&w, "Location: ");
    put(&w, resp->location, resp->location_len);
    put_literal(&w, "\r\n");
  }
  if (resp->etag != NULL) {
    put_literal(&w, "ETag: ");
    put_str(&w, resp->etag);
    put_literal(&w, "\r\n");
  }
  if (resp->last_modified != NULL) {
    put_literal(&w, "Last-Modified: ");
    put_str(&w, resp->last_modified);
    put_literal(&w, "\r\n");
  }
  if (resp->accept_ranges) put_literal(&w, "Accept-Ranges: bytes\r\n");
  if (resp->status == 206) {
    put_literal(&w, "Content-Range: bytes ");
    put_u64(&w, resp->range_first);
    put_literal(&w, "-");
    put_u64(&w, resp->range_last);
    put_literal(&w, "/");
    put_u64(&w, resp->range_total);
    put_literal(&w, "\r\n");
  } else if (resp->status == 416) {
    put_literal(&w, "Content-Range: bytes */");
    put_u64(&w, resp->range_total);
    put_literal(&w, "\r\n");
  }
  if (resp->status == 405 && resp->fields_len == 0) {
    put_literal(&w, "Allow: GET, HEAD\r\n");
  }
  if (resp->fields_len > 0) put(&w, resp->fields, resp->fields_len);
  if (!resp->keep_alive) {
    put_literal(&w, "Connection: close\r\n");
  } else if (resp->minor_version == 0) {
    put_literal(&w, "Connection: keep-alive\r\n");
  }
  put_literal(&w, "\r\n");
  return w.overflow ? 0 : w.len;
}

size_t http_error_body(int status, char* out, size_t cap) {
  struct writer w = {out, cap, 0, 0};
  put_u64(&w, (uint64_t)status);
  put_literal(&w, " ");
  put_str(&w, http_reason(status));
  put_literal(&w, "\n");
  return w.overflow ? 0 : w.len;
}

// Access log records.

// A quoted log field: `"` and `\` escaped, bytes outside printable ASCII
// as \xHH (as nginx does), "-" when absent.
static void put_log_field(struct writer* w, struct http_field f) {
  static const char hex[] = "0123456789ABCDEF";
  put_literal(w, "\"");
  if (f.len == 0) put_literal(w, "-");
  size_t i = 0;
  while (i < f.len) {
    size_t run = i;
    while (run < f.len && (unsigned char)f.value[run] >= ' ' &&
           (unsigned char)f.value[run] < 0x7f && f.value[run] != '"' &&
           f.value[run] != '\\') {
      ++run;
    }
    put(w, f.value + i, run - i);  // plain bytes in one copy
    if (run == f.len) break;
    unsigned char c = (unsigned char)f.value[run];
    if (c == '"' || c == '\\') {
      char escaped[2] = {'\\', (char)c};
      put(w, escaped, 2);
    } else {
      char escaped[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      put(w, escaped, 4);
    }
    i = run + 1;
  }
  put_literal(w, "\"");
}

size_t http_log_record(const struct http_request* req, int status,
                       uint64_t body_bytes, char* out, size_t len, size_t cap) {
  if (len > cap) return len;
  struct writer w = {out + len, cap - len, 0, 0};
  put_log_field(&w, req->request_line);
  put_literal(&w, " ");
  put_u64(&w, (uint64_t)status);
  put_literal(&w, " ");
  put_u64(&w, body_bytes);
  put_literal(&w, " ");
  put_log_field(&w, req->referer);
  put_literal(&w, " ");
  put_log_field(&w, req->user_agent);
  put_literal(&w, "\n");
  return w.overflow ? len : len + w.len;
}
