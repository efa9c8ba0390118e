// HTTP/1.1 requests and responses as pure functions over buffers (RFC 9112):
// no hypercalls and no library calls, so that host tests compile it too.
#ifndef WASP_GUEST_APPS_HTTP_HTTP_PARSE_H_
#define WASP_GUEST_APPS_HTTP_HTTP_PARSE_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
extern "C" {
#else
#include <stddef.h>
#include <stdint.h>
#endif

// The request line, its line ending included; a longer one is answered 414.
#define HTTP_REQUEST_LINE_MAX 8192
// The header lines after the request line, the blank line included; more
// is answered 431.
#define HTTP_HEADERS_MAX 16384
// The longest request head; a receive buffer needs one byte more.
#define HTTP_HEAD_MAX (HTTP_REQUEST_LINE_MAX + HTTP_HEADERS_MAX)

enum http_method { HTTP_OTHER = 0, HTTP_GET = 1, HTTP_HEAD = 2 };

// Progress of http_head_length over a head that arrives in pieces; zero it
// for each new head.
struct http_scan {
  size_t pos;               // bytes examined
  size_t line_start;        // where the line being examined starts
  size_t request_line_end;  // 0 until the request line has ended
};

// The length of the request head at the start of buf[0, len), through its
// blank line; 0 if it is not complete yet; -414 or -431 once it breaks a
// limit. Empty lines before the request line belong to it (RFC 9112 2.2).
// Lines end with CRLF or a bare LF.
long http_head_length(const char* buf, size_t len, struct http_scan* scan);

// A header's value inside the head; len 0 when the header is absent.
struct http_field {
  const char* value;
  size_t len;
};

struct http_request {
  int status;  // 0: serve it; else the error status to answer
  int method;  // enum http_method
  struct http_field method_name;  // the method as sent ("GET", "POST", ...)
  int minor_version;              // HTTP/1.<minor_version>
  int keep_alive;      // the connection stays open after the response
  const char* target;  // the request target as sent, inside the head
  size_t target_len;
  uint64_t body_length;  // Content-Length: bytes after the head to discard
  // Conditional and range requests (RFC 9110 13, 14); the last one counts
  // when a header repeats.
  struct http_field if_none_match;
  struct http_field if_modified_since;
  struct http_field range;
  struct http_field if_range;
  // For the access log.
  struct http_field request_line;  // without its line ending
  struct http_field referer;
  struct http_field user_agent;
};

// Whether an error answer must close the connection, as nginx decides: what
// follows cannot be framed (400, 413, 414, 431, 501, 505), the client timed
// out (408), or the server failed (500). Other errors (404, 405, 416, ...)
// keep a keep-alive connection open.
int http_status_closes(int status);

// Parses a complete head (http_head_length bytes). Errors: 400 malformed
// line or header (or a missing or repeated Host in HTTP/1.1, or both
// Transfer-Encoding and Content-Length), 405 a method other than GET and
// HEAD, 501 a Transfer-Encoding, 505 a version other
// than 1.0 and 1.1. Keep-alive: HTTP/1.1 unless "Connection: close";
// HTTP/1.0 only with "Connection: keep-alive"; never after an error.
void http_parse_head(const char* head, size_t len, struct http_request* req);

// The header fields of a head that http_parse_head parsed, one per call:
// start with *pos = 0; each call sets the next field's name (as sent) and
// value (without surrounding whitespace) and returns 1, then 0 at the end.
int http_next_field(const char* head, size_t len, size_t* pos,
                    struct http_field* name, struct http_field* value);

// The path of a request target: query and fragment dropped (an absolute
// "http://host/path" target reduced to its path), percent-decoded, and
// "index.html" appended to a path ending in "/". Writes it to out (not
// NUL-terminated) and returns its length; -400 if the target is not a path
// or holds a ".." segment, a NUL, a backslash or a bad escape (checked
// after decoding, so "%2e%2e" and "%5c" count); -404 if it exceeds `cap`.
long http_decode_path(const char* target, size_t len, char* out, size_t cap);

// Whether If-None-Match (or, without it, If-Modified-Since, compared
// exactly as nginx does) says the client's copy of the representation with
// `etag` and `last_modified` is current: answer 304.
int http_not_modified(const struct http_request* req, const char* etag,
                      const char* last_modified);

// The byte range a GET asks for in a body of `size` bytes: 1 with [*first,
// *last] to answer 206; 0 to send the whole body (no Range, several ranges,
// another unit than bytes, or an If-Range that does not match); -416 when
// the range is unsatisfiable or, as nginx has it, unreadable.
int http_byte_range(const struct http_request* req, uint64_t size,
                    const char* etag, const char* last_modified,
                    uint64_t* first, uint64_t* last);

// Appends to `out` the access log record of a request (the combined
// format after the address and time: `"request line" status bytes
// "referer" "user agent"`, '\n'-terminated; quotes and backslashes in the
// fields escaped, control bytes as \xHH, "-" for what is absent). Returns
// the new length, or `len` unchanged if the record does not fit in `cap`.
size_t http_log_record(const struct http_request* req, int status,
                       uint64_t body_bytes, char* out, size_t len, size_t cap);

// `seconds` since the epoch as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37
// GMT", 29 bytes), NUL-terminated; the length, or 0 if `cap` < 30.
size_t http_format_date(uint64_t seconds, char* out, size_t cap);

struct http_response {
  int status;
  const char* content_type;
  size_t content_type_len;
  uint64_t content_length;
  const char* date;   // NUL-terminated HTTP-date
  int minor_version;  // of the request: HTTP/1.0 keep-alive is announced
  int keep_alive;
  // Validators and ranges of a file's responses (NULL / 0: none).
  const char* etag;           // NUL-terminated, quotes included
  const char* last_modified;  // NUL-terminated HTTP-date
  int accept_ranges;          // "Accept-Ranges: bytes"
  // 301: where the resource is ("/dir/").
  const char* location;
  size_t location_len;
  // 206: "Content-Range: bytes first-last/total"; 416: "bytes */total".
  uint64_t range_first;
  uint64_t range_last;
  uint64_t range_total;
  // More header lines, each "Name: value\r\n" (an app's own), written last;
  // with them the app says what it allows (no "Allow" for 405).
  const char* fields;
  size_t fields_len;
};

// Every response head fits in this many bytes (with the longest content
// type, dates of at most 31 bytes, an ETag of at most 40 and a Location of
// at most 1 KiB), plus fields_len.
#define HTTP_RESPONSE_HEAD_MAX 1664

// Writes the status line and headers (Server, Date, Content-Type,
// Content-Length (not for 204 and 304), Location, ETag, Last-Modified,
// Accept-Ranges, Content-Range (206, 416), Allow for 405, Connection when it
// differs from the version's default), through the blank line. Returns the
// length, or 0 if it does not fit in `cap`.
size_t http_format_head(const struct http_response* resp, char* out,
                        size_t cap);

// The reason phrase of a status this server sends; "Error" for others.
const char* http_reason(int status);

// The text body of an error response ("404 Not Found\n"); its length, or 0
// if it does not fit.
size_t http_error_body(int status, char* out, size_t cap);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // WASP_GUEST_APPS_HTTP_HTTP_PARSE_H_
