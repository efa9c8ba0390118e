// Fuzzes the HTTP request parser and the response writers of http_parse.h
// with arbitrary connection bytes. Checks, beyond "no crash": a head found
// in pieces is the head found at once; every pointer into the head stays
// inside it; decoded paths and ranges keep their promises; what is written
// (log records, response heads, dates) is well formed and fits its buffer.
#include <time.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "guest/apps/http/http_parse.h"
#include "tests/fuzz/check.h"

namespace {

uint64_t Load64(const uint8_t* data, size_t size) {
  uint64_t value = 0;
  std::memcpy(&value, data, size < 8 ? size : 8);
  return value;
}

// The head length fed one byte at a time must be the one seen at once.
long CheckHeadLength(const char* buf, size_t len) {
  http_scan whole{};
  long at_once = http_head_length(buf, len, &whole);
  http_scan scan{};
  long pieces = 0;
  for (size_t fed = 1; fed <= len && pieces == 0; ++fed) {
    pieces = http_head_length(buf, fed, &scan);
  }
  WASP_FUZZ_CHECK(pieces == at_once);
  WASP_FUZZ_CHECK(at_once == 0 || at_once == -414 || at_once == -431 ||
                  (at_once > 0 && static_cast<size_t>(at_once) <= len &&
                   buf[at_once - 1] == '\n'));
  WASP_FUZZ_CHECK(at_once <= static_cast<long>(HTTP_HEAD_MAX));
  return at_once;
}

bool Inside(const char* head, size_t len, http_field field) {
  return field.len == 0 ||
         (field.value >= head && field.value + field.len <= head + len);
}

void CheckRequest(const char* head, size_t len, const http_request& req) {
  const int s = req.status;
  WASP_FUZZ_CHECK(s == 0 || s == 400 || s == 405 || s == 501 || s == 505);
  WASP_FUZZ_CHECK(!req.keep_alive || !http_status_closes(s));
  WASP_FUZZ_CHECK(Inside(head, len, {req.target, req.target_len}));
  for (http_field f :
       {req.if_none_match, req.if_modified_since, req.range, req.if_range,
        req.request_line, req.referer, req.user_agent}) {
    WASP_FUZZ_CHECK(Inside(head, len, f));
  }
  if (s == 0) {
    WASP_FUZZ_CHECK(req.method == HTTP_GET || req.method == HTTP_HEAD);
    WASP_FUZZ_CHECK(req.minor_version == 0 || req.minor_version == 1);
    WASP_FUZZ_CHECK(req.target_len > 0);
    WASP_FUZZ_CHECK(req.body_length < 1000000000000000ull);
  }
}

// Decoding into every size of buffer: a path, or -400 / -404.
void CheckDecodePath(const http_request& req) {
  for (size_t cap : {size_t{1}, size_t{11}, size_t{64}, size_t{4096}}) {
    std::vector<char> out(cap);
    long n = http_decode_path(req.target, req.target_len, out.data(), cap);
    WASP_FUZZ_CHECK(n == -400 || n == -404 ||
                    (n > 0 && static_cast<size_t>(n) <= cap));
    if (n <= 0) continue;
    std::string path(out.data(), n);
    WASP_FUZZ_CHECK(path[0] == '/');
    WASP_FUZZ_CHECK(path.back() != '/');
    WASP_FUZZ_CHECK(path.find('\0') == std::string::npos);
    WASP_FUZZ_CHECK(path.find('\\') == std::string::npos);
    WASP_FUZZ_CHECK((path + "/").find("/../") == std::string::npos);
  }
}

void CheckConditionals(const http_request& req, uint64_t size) {
  static const char kEtag[] = "\"5f3e0000-1388\"";
  static const char kDate[] = "Sun, 06 Nov 1994 08:49:37 GMT";
  int not_modified = http_not_modified(&req, kEtag, kDate);
  WASP_FUZZ_CHECK(not_modified == 0 || not_modified == 1);
  uint64_t first = 7, last = 7;
  int range = http_byte_range(&req, size, kEtag, kDate, &first, &last);
  WASP_FUZZ_CHECK(range == 0 || range == 1 || range == -416);
  if (range == 1) WASP_FUZZ_CHECK(first <= last && last < size);
}

// A log record is one line of printable ASCII, or nothing when it does not
// fit.
void CheckLogRecord(const http_request& req, uint64_t bytes) {
  size_t bound =
      4 * (req.request_line.len + req.referer.len + req.user_agent.len) + 64;
  for (size_t cap : {size_t{8}, bound}) {
    std::vector<char> out(cap + 3, 'x');
    size_t n = http_log_record(&req, req.status, bytes, out.data(), 3, cap);
    WASP_FUZZ_CHECK(n == 3 || (n > 3 && n <= cap));
    if (cap == bound) WASP_FUZZ_CHECK(n > 3);
    if (n == 3) continue;
    WASP_FUZZ_CHECK(out[n - 1] == '\n');
    for (size_t i = 3; i + 1 < n; ++i) {
      WASP_FUZZ_CHECK(out[i] >= ' ' && out[i] < 0x7f);
    }
  }
}

// A head ends with its only blank line, and one byte less does not fit.
void CheckResponseHead(const http_request& req, uint64_t value) {
  http_response resp = {
      .status = req.status == 0 ? 206 : req.status,
      .content_type = "text/html",
      .content_type_len = 9,
      .content_length = value,
      .date = "Sun, 06 Nov 1994 08:49:37 GMT",
      .minor_version = req.minor_version,
      .keep_alive = req.keep_alive,
      .etag = "\"1-2\"",
      .accept_ranges = 1,
      .location = req.target,
      .location_len = req.target_len < 1024 ? req.target_len : 1024,
      .range_first = value / 2,
      .range_last = value,
      .range_total = ~value,
  };
  char out[HTTP_RESPONSE_HEAD_MAX];
  size_t n = http_format_head(&resp, out, sizeof out);
  WASP_FUZZ_CHECK(n > 0);
  std::string head(out, n);
  WASP_FUZZ_CHECK(head.rfind("HTTP/1.1 ", 0) == 0);
  WASP_FUZZ_CHECK(head.find("\r\n\r\n") == n - 4);
  WASP_FUZZ_CHECK(http_format_head(&resp, out, n - 1) == 0);
}

// The date, checked against the C library's.
void CheckDate(uint64_t seconds) {
  char out[32];
  size_t n = http_format_date(seconds, out, sizeof out);
  WASP_FUZZ_CHECK(n == 0 || n == 29);
  time_t t = static_cast<time_t>(seconds);
  struct tm tm;
  if (static_cast<int64_t>(t) < 0 || gmtime_r(&t, &tm) == nullptr) return;
  char want[64];
  bool fits =
      tm.tm_year + 1900 <= 9999 &&
      strftime(want, sizeof want, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 29;
  WASP_FUZZ_CHECK((n == 29) == fits);
  if (fits) WASP_FUZZ_CHECK(std::strcmp(out, want) == 0);
}

// Every field lies inside the head, names are non-empty and hold no colon,
// values carry no surrounding whitespace, and the walk ends.
void CheckFields(const char* head, size_t len) {
  size_t pos = 0, count = 0;
  http_field name, value;
  while (http_next_field(head, len, &pos, &name, &value)) {
    WASP_FUZZ_CHECK(++count <= len);
    WASP_FUZZ_CHECK(name.len > 0 && name.value >= head &&
                    name.value + name.len <= head + len);
    WASP_FUZZ_CHECK(std::memchr(name.value, ':', name.len) == nullptr);
    WASP_FUZZ_CHECK(value.value >= head &&
                    value.value + value.len <= head + len);
    if (value.len > 0) {
      WASP_FUZZ_CHECK(value.value[0] != ' ' && value.value[0] != '\t');
      WASP_FUZZ_CHECK(value.value[value.len - 1] != ' ' &&
                      value.value[value.len - 1] != '\t');
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* buf = reinterpret_cast<const char*>(data);
  uint64_t value = Load64(data, size);
  CheckDate(value >> 16);  // up to the year ~9000000: past 9999 too
  long head = CheckHeadLength(buf, size);
  if (head <= 0) return 0;
  http_request req;
  http_parse_head(buf, static_cast<size_t>(head), &req);
  CheckRequest(buf, static_cast<size_t>(head), req);
  CheckFields(buf, static_cast<size_t>(head));
  if (req.target_len > 0) CheckDecodePath(req);
  CheckConditionals(req, value % 10000);
  CheckLogRecord(req, value);
  CheckResponseHead(req, value);
  return 0;
}
