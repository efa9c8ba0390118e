// Fuzzes the JavaScript app's request and response encoding (js_handler.h)
// with arbitrary request bytes. The script hands the request back as a
// response and, on /json, returns whatever response object the body's JSON
// describes, so the fuzzer shapes both sides. Checks, beyond "no crash": a
// reply is a status in 200-599 (500 when js_handle failed, with a bounded
// error text), a content type without CR or LF, and header lines
// "token: value\r\n" that never carry the server's framing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "guest/apps/http/http_parse.h"
#include "guest/apps/js/js_handler.h"
#include "tests/fuzz/check.h"

namespace {

constexpr char kScript[] = R"(
function handle(r) {
  if (r.path === "/json") return JSON.parse(r.body);
  return {status: 200 + r.body.length % 400,
          headers: {"x-method": r.method, "x-query": r.query,
                    "x-a": r.headers["x-a"] || ""},
          body: r.url + "\n" + r.body};
}
)";

duk_context* Heap() {
  static duk_context* ctx = [] {
    duk_context* created = duk_create_heap_default();
    WASP_FUZZ_CHECK(created != nullptr);
    WASP_FUZZ_CHECK(duk_peval_string(created, kScript) == 0);
    duk_pop(created);
    return created;
  }();
  return ctx;
}

bool IsTokenChar(char c) {
  return c > ' ' && c < 0x7f &&
         std::string_view("\"(),/:;<=>?@[\\]{}").find(c) ==
             std::string_view::npos;
}

void CheckFields(std::string_view fields) {
  while (!fields.empty()) {
    size_t end = fields.find("\r\n");
    WASP_FUZZ_CHECK(end != std::string_view::npos);
    std::string_view line = fields.substr(0, end);
    fields.remove_prefix(end + 2);
    size_t colon = line.find(": ");
    WASP_FUZZ_CHECK(colon != std::string_view::npos && colon > 0);
    for (char c : line.substr(0, colon)) WASP_FUZZ_CHECK(IsTokenChar(c));
    for (char c : line) WASP_FUZZ_CHECK(c != '\r' && c != '\n');
    std::string_view name = line.substr(0, colon);
    for (std::string_view framing :
         {"content-length", "transfer-encoding", "connection"}) {
      bool same = name.size() == framing.size();
      for (size_t i = 0; same && i < name.size(); ++i) {
        same = (name[i] | 0x20) == framing[i];
      }
      WASP_FUZZ_CHECK(!same);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* bytes = reinterpret_cast<const char*>(data);
  http_scan scan{};
  long head = http_head_length(bytes, size, &scan);
  if (head <= 0) return 0;
  http_request req;
  http_parse_head(bytes, static_cast<size_t>(head), &req);
  duk_context* ctx = Heap();
  js_reply reply;
  int failed =
      js_handle(ctx, bytes, static_cast<size_t>(head), &req, bytes + head,
                size - static_cast<size_t>(head), &reply);
  WASP_FUZZ_CHECK(failed == 0 || failed == 1);
  WASP_FUZZ_CHECK(reply.status >= 200 && reply.status <= 599);
  if (failed) {
    WASP_FUZZ_CHECK(reply.status == 500 && reply.fields_len == 0);
    WASP_FUZZ_CHECK(reply.body_len <= 64 + JS_ERROR_MAX);
  }
  WASP_FUZZ_CHECK(reply.content_type_len < sizeof reply.content_type);
  for (size_t i = 0; i < reply.content_type_len; ++i) {
    WASP_FUZZ_CHECK(reply.content_type[i] != '\r' &&
                    reply.content_type[i] != '\n');
  }
  WASP_FUZZ_CHECK(reply.fields_len <= sizeof reply.fields);
  CheckFields(std::string_view(reply.fields, reply.fields_len));
  WASP_FUZZ_CHECK(reply.body != nullptr || reply.body_len == 0);
  duk_pop(ctx);
  return 0;
}
