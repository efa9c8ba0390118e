// Fuzzes the HTTP app end to end in its native build (net/native), driven
// as a worker drives it: the input is what a client sends on one
// connection, pipelined requests included. Three bytes never reach the app
// and steer the connection instead: 0xFF delivers what came before it as
// one receive (the fuzzer chooses where reads split), 0xFE closes the
// client's side there, 0xFD lets the request deadline pass there. An input
// whose first byte is odd runs with an access log.
//
// Checks, beyond "no crash": no run fails (a run that claims more input
// than it was given fails in DecodeRequestArea); the output is a sequence
// of well-formed responses, each a status line, headers, a blank line and
// as many body bytes as Content-Length says; there is at most one log
// record per response, each one printable line.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "guest/apps/http/docroot.h"
#include "net/native/apps.h"
#include "net/native/native_handler.h"
#include "tests/fuzz/check.h"
#include "tests/testing/request_driver.h"

namespace {

constexpr uint8_t kSplit = 0xFF;
constexpr uint8_t kClose = 0xFE;
constexpr uint8_t kTimeout = 0xFD;

// A site with every kind of answer: small and large files (a large body is
// an output segment of its own), a directory (301) and a file with a query
// character in its name. No body starts with "HTTP/", so that
// CountResponses can tell a HEAD response (no body) from a GET one.
std::vector<uint8_t> Site() {
  std::vector<wasp::DocrootFile> files = {
      {"/index.html", "text/html", "<!doctype html><p>hello</p>\n"},
      {"/hello.txt", "text/plain", "hello\n", 1700000000},
      {"/big.bin", "application/octet-stream", std::string(10000, 'b')},
      {"/docs/index.html", "text/html", "<p>docs</p>\n"},
      {"/a b.txt", "text/plain", "space\n"},
  };
  auto bundle = wasp::PackDocrootFiles(std::move(files),
                                       absl::FromUnixSeconds(1000000000));
  WASP_FUZZ_CHECK(bundle.ok());
  return *std::move(bundle);
}

wasp::RequestHandlerPool& Pool() {
  static wasp::RequestHandlerPool* pool = [] {
    auto config = std::make_shared<const std::vector<uint8_t>>(Site());
    auto made = wasp::MakeNativeHandlerPool(wasp::HttpNativeApp(), 1, config);
    WASP_FUZZ_CHECK(made.ok());
    return made->release();
  }();
  return *pool;
}

// The value of `name` in a head, or -1 when it is absent or not a number.
long long HeaderNumber(std::string_view head, std::string_view name) {
  size_t at = head.find(name);
  if (at == std::string_view::npos) return -1;
  long long value = 0;
  size_t i = at + name.size();
  if (i >= head.size() || head[i] < '0' || head[i] > '9') return -1;
  for (; i < head.size() && head[i] >= '0' && head[i] <= '9'; ++i) {
    value = value * 10 + (head[i] - '0');
  }
  return value;
}

// Checks that `out` is whole responses back to back; returns how many.
int CountResponses(std::string_view out) {
  int responses = 0;
  while (!out.empty()) {
    WASP_FUZZ_CHECK(out.rfind("HTTP/1.1 ", 0) == 0 && out.size() > 13);
    int status = 0;
    for (size_t i = 9; i < 12; ++i) {
      WASP_FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
      status = status * 10 + (out[i] - '0');
    }
    WASP_FUZZ_CHECK(status >= 200 && status < 600 && out[12] == ' ');
    size_t end = out.find("\r\n\r\n");
    WASP_FUZZ_CHECK(end != std::string_view::npos);
    std::string_view head = out.substr(0, end + 4);
    WASP_FUZZ_CHECK(head.find('\n') == head.find("\r\n") + 1);  // CRLF lines
    long long length = HeaderNumber(head, "\r\nContent-Length: ");
    WASP_FUZZ_CHECK(status == 304 ? length == -1 : length >= 0);
    out.remove_prefix(head.size());
    ++responses;
    // A HEAD response has no body: the next response follows at once, or
    // nothing.
    if (length <= 0 || out.empty() || out.rfind("HTTP/1.1 ", 0) == 0) continue;
    WASP_FUZZ_CHECK(out.size() >= static_cast<size_t>(length));
    out.remove_prefix(length);
  }
  return responses;
}

void CheckLog(std::string_view log, int responses) {
  int records = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i] == '\n') {
      ++records;
    } else {
      WASP_FUZZ_CHECK(log[i] >= ' ' && log[i] < 0x7f);
    }
  }
  WASP_FUZZ_CHECK(log.empty() || log.back() == '\n');
  WASP_FUZZ_CHECK(records <= responses);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wasp::testing::RequestDriver client(Pool());
  if (size > 0 && data[0] % 2 == 1) client.input_flags = WASP_INPUT_LOG;
  std::string piece;
  for (size_t i = 0; i < size && !client.closed; ++i) {
    if (data[i] != kSplit && data[i] != kClose && data[i] != kTimeout) {
      piece.push_back(static_cast<char>(data[i]));
      continue;
    }
    client.Bytes(std::move(piece));
    piece.clear();
    if (data[i] == kClose) client.Close();
    if (data[i] == kTimeout) client.Timeout();
  }
  client.Bytes(std::move(piece));
  WASP_FUZZ_CHECK(client.failure.empty());
  int responses = CountResponses(client.sent);
  if (client.input_flags & WASP_INPUT_LOG) CheckLog(client.log, responses);
  return 0;
}
