#include "guest/apps/http/http_parse.h"

#include <string>

#include "gtest/gtest.h"

namespace {

// The head length http_head_length reports for `text` fed all at once.
long HeadLength(const std::string& text) {
  http_scan scan{};
  return http_head_length(text.data(), text.size(), &scan);
}

// Keeps the head alive: the request points into it.
struct Parsed : http_request {
  std::string head;
  std::string target() const {
    return std::string(http_request::target, target_len);
  }
};

Parsed Parse(const std::string& head) {
  Parsed parsed;
  parsed.head = head;
  http_parse_head(parsed.head.data(), parsed.head.size(), &parsed);
  return parsed;
}

// The status of a full request: the head's limit error or its parse status.
int StatusOf(const std::string& text) {
  long length = HeadLength(text);
  if (length < 0) return static_cast<int>(-length);
  if (length == 0) return -1;
  return Parse(text.substr(0, length)).status;
}

std::string Decode(const std::string& target, size_t cap = 1024) {
  std::string out(cap, '\0');
  long n = http_decode_path(target.data(), target.size(), out.data(), cap);
  if (n < 0) return "error " + std::to_string(-n);
  return out.substr(0, n);
}

TEST(HttpHeadTest, FindsTheEndOfTheHead) {
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 27);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\nHost: a\n\n"), 24);
  EXPECT_EQ(HeadLength("GET / HTTP/1.0\r\n\r\n"), 18);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n"), 0);
  EXPECT_EQ(HeadLength("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0);
  EXPECT_EQ(HeadLength(""), 0);
  // Empty lines before the request line are skipped, not an empty head.
  EXPECT_EQ(HeadLength("\r\n\r\nGET / HTTP/1.0\r\n\r\n"), 22);
}

TEST(HttpHeadTest, ScansIncrementallyByteByByte) {
  const std::string text = "GET /a HTTP/1.1\r\nHost: x\r\nX: y\r\n\r\nGET /b";
  http_scan scan{};
  long found = 0;
  size_t fed = 0;
  while (found == 0 && fed < text.size()) {
    found = http_head_length(text.data(), ++fed, &scan);
  }
  EXPECT_EQ(found, 34);
  EXPECT_EQ(fed, 34u);
}

TEST(HttpHeadTest, PipelinedRequestsSplitAtTheirBoundaries) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string second = "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string third = "GET /c HTTP/1.1\r\nHo";
  std::string buffer = first + second + third;
  size_t start = 0;
  std::vector<std::string> targets;
  for (;;) {
    http_scan scan{};
    long n =
        http_head_length(buffer.data() + start, buffer.size() - start, &scan);
    if (n <= 0) break;
    Parsed req = Parse(buffer.substr(start, n));
    EXPECT_EQ(req.status, 0);
    targets.push_back(req.target());
    start += n;
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(start, first.size() + second.size());
}

TEST(HttpHeadTest, RequestLineOverTheLimitIs414) {
  std::string line = "GET /" + std::string(HTTP_REQUEST_LINE_MAX, 'a');
  EXPECT_EQ(HeadLength(line), -414);  // before its end has arrived
  EXPECT_EQ(HeadLength(line + " HTTP/1.1\r\n\r\n"), -414);
  // Exactly at the limit, line ending included, is fine.
  std::string fits = "GET /" + std::string(HTTP_REQUEST_LINE_MAX - 16, 'a') +
                     " HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(fits.find('\n'), HTTP_REQUEST_LINE_MAX - 1u);
  EXPECT_EQ(StatusOf(fits), 0);
}

TEST(HttpHeadTest, HeadersOverTheLimitAre431) {
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
  while (request.size() < HTTP_HEADERS_MAX + 100) {
    request += "X-Filler: " + std::string(90, 'f') + "\r\n";
  }
  EXPECT_EQ(HeadLength(request), -431);
  EXPECT_EQ(HeadLength(request + "\r\n"), -431);
  // One header line that alone is too long.
  EXPECT_EQ(
      HeadLength("GET / HTTP/1.1\r\nX: " + std::string(HTTP_HEADERS_MAX, 'x')),
      -431);
  // Just under the limit is fine.
  std::string fits = "GET / HTTP/1.1\r\nHost: x\r\n";
  std::string filler = "X: " + std::string(HTTP_HEADERS_MAX - 9 - 2 - 5, 'f');
  fits += filler + "\r\n\r\n";
  EXPECT_EQ(StatusOf(fits), 0);
}

TEST(HttpParseTest, ParsesTheRequestLine) {
  Parsed req = Parse("GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(req.status, 0);
  EXPECT_EQ(req.method, HTTP_GET);
  EXPECT_EQ(req.minor_version, 1);
  EXPECT_EQ(req.target(), "/index.html?x=1");
  EXPECT_TRUE(req.keep_alive);
  EXPECT_EQ(req.body_length, 0u);

  req = Parse("HEAD / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(req.status, 0);
  EXPECT_EQ(req.method, HTTP_HEAD);
  EXPECT_EQ(req.minor_version, 0);
}

TEST(HttpParseTest, MalformedRequestLinesAre400) {
  for (const char* head : {
           "GET\r\n\r\n",
           "GET /\r\n\r\n",                       // HTTP/0.9
           "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",  // two spaces
           "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
           "GET / http/1.1\r\nHost: a\r\n\r\n",
           "GET / HTTP/1.x\r\nHost: a\r\n\r\n",
           "GET / HTTP/11\r\nHost: a\r\n\r\n",
           "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
           " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
           "GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n",
           "GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n",
       }) {
    EXPECT_EQ(Parse(head).status, 400) << head;
    EXPECT_FALSE(Parse(head).keep_alive) << head;
  }
}

TEST(HttpParseTest, OtherMethodsAre405) {
  for (const char* head : {"POST / HTTP/1.1\r\nHost: a\r\n\r\n",
                           "PUT /x HTTP/1.1\r\nHost: a\r\n\r\n",
                           "get / HTTP/1.1\r\nHost: a\r\n\r\n",
                           "BREW / HTTP/1.1\r\nHost: a\r\n\r\n"}) {
    EXPECT_EQ(Parse(head).status, 405) << head;
    EXPECT_TRUE(Parse(head).keep_alive) << "framed well: nginx keeps it";
  }
}

TEST(HttpParseTest, OtherVersionsAre505) {
  EXPECT_EQ(Parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").status, 505);
  EXPECT_EQ(Parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n").status, 505);
  EXPECT_EQ(Parse("GET / HTTP/0.9\r\n\r\n").status, 505);
}

TEST(HttpParseTest, Headers) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nAccept:  */*  \r\n"
                  "X-Empty:\r\n\r\n")
                .status,
            0);
  // No Host, or two, in HTTP/1.1.
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n").status, 400);
  // Whitespace before the colon, obs-fold, no colon, control bytes.
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n").status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n").status,
            400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n").status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n").status, 400);
  const char kNul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
  EXPECT_EQ(Parse(std::string(kNul, sizeof kNul - 1)).status, 400);
  // Content-Length: the body to skip.
  Parsed req = Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n");
  EXPECT_EQ(req.status, 0);
  EXPECT_EQ(req.body_length, 12u);
  EXPECT_EQ(
      Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n").status,
      400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                  "Content-Length: 2\r\n\r\n")
                .status,
            400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"
                  "\r\n\r\n")
                .status,
            501);
  // Two framings: a smuggling attempt, refused whatever their order.
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"
                  "\r\nContent-Length: 3\r\n\r\n")
                .status,
            400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n")
                .status,
            400);
}

TEST(HttpParseTest, KeepAliveRules) {
  EXPECT_TRUE(Parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                   .keep_alive);
  EXPECT_FALSE(
      Parse("GET / HTTP/1.1\r\nHost: a\r\nconnection: Upgrade, CLOSE\r\n\r\n")
          .keep_alive);
  EXPECT_TRUE(
      Parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
          .keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
  EXPECT_TRUE(
      Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")
                   .keep_alive);
}

TEST(HttpPathTest, DecodesPercentEscapes) {
  EXPECT_EQ(Decode("/hello.txt"), "/hello.txt");
  EXPECT_EQ(Decode("/a%20b%2Fc%7e"), "/a b/c~");
  EXPECT_EQ(Decode("/"), "/index.html");
  EXPECT_EQ(Decode("/docs/"), "/docs/index.html");
  EXPECT_EQ(Decode("/a?x=/../y"), "/a");
  EXPECT_EQ(Decode("/?q"), "/index.html");
  EXPECT_EQ(Decode("/a#frag"), "/a");
  EXPECT_EQ(Decode("/...", 8), "/...");
  EXPECT_EQ(Decode("/a/.b/..c"), "/a/.b/..c");
  EXPECT_EQ(Decode("http://example.com/x?y"), "/x");
  EXPECT_EQ(Decode("HTTPS://example.com"), "/index.html");
  EXPECT_EQ(Decode("/%e2%82%ac"), "/\xe2\x82\xac");
}

TEST(HttpPathTest, RejectsTraversalAndBadBytes) {
  for (const char* target : {
           "/..",       "/../x",     "/a/../../x", "/a/..",
           "/%2e%2e/x", "/%2E%2e",   "/.%2e/x",    "/a/%2E%2E%2f..",
           "/a/..%2fb", "/a/..%5cb", "/a\\b",      "/a%5cb",
           "/a%00b",    "/a%",       "/a%2",       "/a%zz",
           "a/b",       "*",         "",           "http://",
       }) {
    EXPECT_EQ(Decode(target), "error 400") << target;
  }
}

TEST(HttpPathTest, PathsLongerThanTheBufferAre404) {
  EXPECT_EQ(Decode("/abcdef", 4), "error 404");
  EXPECT_EQ(Decode("/abc/", 8), "error 404");  // no room for index.html
  EXPECT_EQ(Decode("/abc", 4), "/abc");
  // Validation goes on past the buffer: traversal is still a 400.
  EXPECT_EQ(Decode("/aaaaaaaaaa/../x", 4), "error 400");
}

TEST(HttpResponseTest, FormatsTheHead) {
  const char type[] = "text/html; charset=utf-8";
  http_response resp = {.status = 200,
                        .content_type = type,
                        .content_type_len = sizeof type - 1,
                        .content_length = 1234,
                        .date = "Sun, 06 Nov 1994 08:49:37 GMT",
                        .minor_version = 1,
                        .keep_alive = 1};
  char out[HTTP_RESPONSE_HEAD_MAX];
  size_t n = http_format_head(&resp, out, sizeof out);
  EXPECT_EQ(std::string(out, n),
            "HTTP/1.1 200 OK\r\nServer: wasp\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Length: 1234\r\n\r\n");
  resp.minor_version = 0;
  n = http_format_head(&resp, out, sizeof out);
  EXPECT_NE(std::string(out, n).find("\r\nConnection: keep-alive\r\n"),
            std::string::npos);
  resp = {.status = 405, .content_length = 0, .date = "", .keep_alive = 0};
  n = http_format_head(&resp, out, sizeof out);
  EXPECT_EQ(std::string(out, n),
            "HTTP/1.1 405 Method Not Allowed\r\nServer: wasp\r\n"
            "Content-Length: 0\r\nAllow: GET, HEAD\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_EQ(http_format_head(&resp, out, 20), 0u);
}

TEST(HttpParseTest, KeepsTheMethodAsSent) {
  Parsed req = Parse("POST /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(req.status, 405);
  EXPECT_EQ(std::string(req.method_name.value, req.method_name.len), "POST");
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").method_name.len, 3u);
}

TEST(HttpParseTest, IteratesOverEveryField) {
  const std::string head =
      "\r\nGET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n"
      "X-Two:  b c \t\nhost: d\r\n\r\n";
  std::string seen;
  size_t pos = 0;
  http_field name, value;
  while (http_next_field(head.data(), head.size(), &pos, &name, &value)) {
    seen += std::string(name.value, name.len) + "=" +
            std::string(value.value, value.len) + ";";
  }
  EXPECT_EQ(seen, "Host=a;X-Empty=;X-Two=b c;host=d;");
  EXPECT_EQ(http_next_field(head.data(), head.size(), &pos, &name, &value), 0);
}

TEST(HttpResponseTest, ErrorBodies) {
  char out[64];
  size_t n = http_error_body(431, out, sizeof out);
  EXPECT_EQ(std::string(out, n), "431 Request Header Fields Too Large\n");
  EXPECT_EQ(http_error_body(404, out, 5), 0u);
  EXPECT_STREQ(http_reason(414), "URI Too Long");
  EXPECT_STREQ(http_reason(408), "Request Timeout");
  EXPECT_STREQ(http_reason(505), "HTTP Version Not Supported");
}

}  // namespace

namespace {

TEST(HttpDateTest, FormatsImfFixdate) {
  char out[30];
  ASSERT_EQ(http_format_date(784111777, out, sizeof out), 29u);
  EXPECT_STREQ(out, "Sun, 06 Nov 1994 08:49:37 GMT");
  http_format_date(0, out, sizeof out);
  EXPECT_STREQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
  http_format_date(951782400, out, sizeof out);  // a leap day
  EXPECT_STREQ(out, "Tue, 29 Feb 2000 00:00:00 GMT");
  http_format_date(4294967295u, out, sizeof out);  // the last u32 second
  EXPECT_STREQ(out, "Sun, 07 Feb 2106 06:28:15 GMT");
  EXPECT_EQ(http_format_date(0, out, 29), 0u) << "no room for the NUL";
}

TEST(HttpResponseTest, AppFieldsComeLastAnd204HasNoLength) {
  const char fields[] = "X-A: 1\r\nAllow: POST\r\n";
  http_response resp = {.status = 204,
                        .content_length = 0,
                        .minor_version = 1,
                        .keep_alive = 1,
                        .fields = fields,
                        .fields_len = sizeof fields - 1};
  char out[HTTP_RESPONSE_HEAD_MAX + sizeof fields];
  size_t n = http_format_head(&resp, out, sizeof out);
  EXPECT_EQ(std::string(out, n),
            "HTTP/1.1 204 No Content\r\nServer: wasp\r\n"
            "X-A: 1\r\nAllow: POST\r\n\r\n");
  resp.status = 405;
  n = http_format_head(&resp, out, sizeof out);
  EXPECT_EQ(std::string(out, n).find("GET, HEAD"), std::string::npos);
  EXPECT_STREQ(http_reason(413), "Content Too Large");
  EXPECT_STREQ(http_reason(503), "Service Unavailable");
}

}  // namespace
