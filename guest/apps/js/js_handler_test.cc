#include "guest/apps/js/js_handler.h"

#include <string>

#include "gtest/gtest.h"

namespace {

// A heap with `script` loaded, and one request through its handle().
class JsHandlerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (ctx_ != nullptr) duk_destroy_heap(ctx_);
  }

  void Load(const std::string& script) {
    ctx_ = duk_create_heap_default();
    ASSERT_NE(ctx_, nullptr);
    ASSERT_EQ(duk_peval_lstring(ctx_, script.data(), script.size()), 0)
        << duk_safe_to_string(ctx_, -1);
    duk_pop(ctx_);
  }

  // Returns js_handle's result; the reply stays in reply_.
  int Handle(const std::string& head, const std::string& body = "") {
    head_ = head;
    http_parse_head(head_.data(), head_.size(), &req_);
    int failed = js_handle(ctx_, head_.data(), head_.size(), &req_, body.data(),
                           body.size(), &reply_);
    body_ = std::string(reply_.body, reply_.body_len);
    duk_pop(ctx_);
    return failed;
  }

  std::string type() const {
    return std::string(reply_.content_type, reply_.content_type_len);
  }
  std::string fields() const {
    return std::string(reply_.fields, reply_.fields_len);
  }

  duk_context* ctx_ = nullptr;
  std::string head_;
  http_request req_;
  js_reply reply_;
  std::string body_;
};

constexpr char kGet[] = "GET /p/q?x=1&y HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n";

TEST_F(JsHandlerTest, TheRequestObjectHoldsWhatWasSent) {
  Load("function handle(r) { return JSON.stringify(r); }");
  EXPECT_EQ(Handle("PATCH /p/q?x=1&y HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n"
                   "x-a: 2\r\nContent-Length: 3\r\n\r\n",
                   "abc"),
            0);
  EXPECT_EQ(body_, R"({"method":"PATCH","url":"/p/q?x=1&y","path":"/p/q",)"
                   R"("query":"x=1&y","headers":{"host":"h","x-a":"1, 2",)"
                   R"("content-length":"3"},"body":"abc"})");
  EXPECT_EQ(reply_.status, 200);
  EXPECT_EQ(type(), "text/plain; charset=utf-8");
}

TEST_F(JsHandlerTest, AnObjectSetsStatusHeadersAndAJsonBody) {
  Load(R"(function handle(r) {
    return {status: 202, body: {ok: true},
            headers: {'X-B': 'two words', 'Content-Length': '99',
                      connection: 'close', 'Transfer-Encoding': 'chunked'}};
  })");
  EXPECT_EQ(Handle(kGet), 0);
  EXPECT_EQ(reply_.status, 202);
  EXPECT_EQ(body_, R"({"ok":true})");
  EXPECT_EQ(type(), "application/json");
  EXPECT_EQ(fields(), "X-B: two words\r\n");  // framing is the server's
}

TEST_F(JsHandlerTest, AContentTypeHeaderReplacesTheDefault) {
  Load(R"(function handle(r) {
    return {headers: {'content-type': 'text/html'}, body: '<p>'};
  })");
  EXPECT_EQ(Handle(kGet), 0);
  EXPECT_EQ(type(), "text/html");
  EXPECT_EQ(body_, "<p>");
  EXPECT_EQ(fields(), "");
}

TEST_F(JsHandlerTest, WhatIsNotAResponseIsA500WithTheReason) {
  struct Case {
    const char* script;
    const char* error;
  } cases[] = {
      {"function handle(r) {}", "TypeError: handle() returned undefined"},
      {"function handle(r) { return 42; }", "TypeError: handle() returned"},
      {"function handle(r) { return {status: 99}; }", "RangeError: status"},
      {"function handle(r) { return {status: 200.5}; }", "RangeError: status"},
      {"function handle(r) { return {headers: {'a b': 'c'}}; }",
       "TypeError: response header"},
      {"function handle(r) { return {headers: {a: 'x\\r\\ny: z'}}; }",
       "TypeError: response header a"},
      {"function handle(r) { return {get status() { throw new "
       "Error('getter'); }}; }",
       "Error: getter"},
      {"function handle(r) { null.x; }", "TypeError"},
  };
  for (const Case& c : cases) {
    Load(c.script);
    EXPECT_EQ(Handle(kGet), 1) << c.script;
    EXPECT_EQ(reply_.status, 500);
    EXPECT_EQ(fields(), "") << c.script;
    EXPECT_EQ(body_.rfind("500 Internal Server Error\n", 0), 0u) << body_;
    EXPECT_NE(body_.find(c.error), std::string::npos) << c.script << body_;
    EXPECT_EQ(body_.find("    at "), std::string::npos) << body_;  // no stack
    duk_destroy_heap(ctx_);
    ctx_ = nullptr;
  }
}

TEST_F(JsHandlerTest, ALongErrorIsCut) {
  Load("function handle(r) { throw new Error(new Array(1000).join('e')); }");
  EXPECT_EQ(Handle(kGet), 1);
  EXPECT_LE(body_.size(), 26u + JS_ERROR_MAX + 1);
}

TEST_F(JsHandlerTest, TooManyHeaderBytesAreA500) {
  Load(R"(function handle(r) {
    var h = {};
    for (var i = 0; i < 1000; i++) h['X-' + i] = new Array(20).join('v');
    return {headers: h};
  })");
  EXPECT_EQ(Handle(kGet), 1);
  EXPECT_NE(body_.find("RangeError: response headers exceed"),
            std::string::npos);
}

}  // namespace

// Request bytes reach the script as characters, one per byte: a byte that
// Duktape would read as a symbol marker (0xFF) or invalid UTF-8 included,
// and a header named like an Object.prototype member is a header.
TEST_F(JsHandlerTest, RequestBytesAreLatin1Characters) {
  Load(
      "function handle(r) { return JSON.stringify([typeof r.headers.x, "
      "r.headers.x.length, r.headers.x.charCodeAt(0), r.body.length, "
      "r.body.charCodeAt(1), r.headers.__proto__, r.headers.tostring]); }");
  EXPECT_EQ(Handle("POST / HTTP/1.1\r\nHost: h\r\nX: \xff"
                   "a\r\n"
                   "__proto__: p\r\ntoString: t\r\n\r\n",
                   "a\xe9z"),
            0)
      << body_;
  EXPECT_EQ(body_, R"(["string",2,255,3,233,"p","t"])");
}
