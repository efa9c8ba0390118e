// The echo and HTTP apps as the server runs them: request-scoped runs,
// driven the way the worker drives them (tests/testing/request_driver.h),
// both natively and in virtines.
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "guest/apps/echo/echo_image.h"
#include "guest/apps/http/docroot.h"
#include "guest/apps/http/http_image.h"
#include "net/native/apps.h"
#include "net/native/native_handler.h"
#include "net/virtine_session.h"
#include "tests/testing/kvm.h"
#include "tests/testing/request_driver.h"

namespace wasp {
namespace {

using testing::RequestDriver;

const absl::Time kDate = absl::FromUnixSeconds(784111777);
const char kDateText[] = "Sun, 06 Nov 1994 08:49:37 GMT";

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Takes the first response off `stream`; `head_request`: it has no body.
Response TakeResponse(std::string& stream, bool head_request = false) {
  Response response;
  size_t end = stream.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos) << "no complete response in: " << stream;
  if (end == std::string::npos) return response;
  std::string head = stream.substr(0, end + 2);
  stream.erase(0, end + 4);
  EXPECT_EQ(head.substr(0, 9), "HTTP/1.1 ");
  response.status = std::atoi(head.substr(9, 3).c_str());
  for (size_t at = head.find("\r\n") + 2; at < head.size();) {
    size_t line_end = head.find("\r\n", at);
    std::string line = head.substr(at, line_end - at);
    size_t colon = line.find(": ");
    EXPECT_NE(colon, std::string::npos) << line;
    response.headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        line.substr(colon + 2);
    at = line_end + 2;
  }
  size_t length = 0;
  EXPECT_TRUE(absl::SimpleAtoi(response.headers["content-length"], &length));
  if (!head_request) {
    EXPECT_GE(stream.size(), length);
    response.body = stream.substr(0, length);
    stream.erase(0, length);
  }
  return response;
}

std::string IndexHtml() {
  return UnpackDocroot(SampleDocroot(kDate))->files[1].body;
}

// Larger than a socket buffer, so a server sends it after the run.
std::string BigFile() {
  std::string big(300 * 1024, 'b');
  for (size_t i = 0; i < big.size(); i += 97) {
    big[i] = static_cast<char>('a' + i % 26);
  }
  return big;
}

// The sample site and /big.bin: one configuration for every test, since a
// process initialises a native app once.
std::vector<uint8_t> TestDocroot() {
  std::vector<DocrootFile> files = UnpackDocroot(SampleDocroot(kDate))->files;
  files.push_back({"/big.bin", "application/octet-stream", BigFile()});
  files.push_back({"/docs/index.html", "text/html; charset=utf-8", "docs\n"});
  return *PackDocrootFiles(files, kDate);
}

enum class Runner { kNative, kVirtine };

class AppTest : public ::testing::TestWithParam<Runner> {
 protected:
  void SetUp() override {
    if (GetParam() == Runner::kVirtine) wasp::testing::ExpectKvm();
  }

  void Start(bool http, std::vector<uint8_t> config = {}) {
    auto shared = std::make_shared<const std::vector<uint8_t>>(
        http && config.empty() ? TestDocroot() : std::move(config));
    if (GetParam() == Runner::kNative) {
      auto pool = MakeNativeHandlerPool(
          http ? HttpNativeApp() : EchoNativeApp(), 1, shared);
      ASSERT_TRUE(pool.ok()) << pool.status();
      pool_ = std::move(*pool);
    } else {
      auto pool = MakeVirtinePool(
          http ? images::http() : images::echo(),
          {.memory_bytes = 2 << 20, .capacity = 1, .config = shared});
      ASSERT_TRUE(pool.ok()) << pool.status();
      ASSERT_NE(pool->handlers, nullptr) << "not request-scoped";
      pool_ = std::move(pool->handlers);
    }
    driver_ = std::make_unique<RequestDriver>(*pool_);
  }

  RequestDriver& c() { return *driver_; }

  std::unique_ptr<RequestHandlerPool> pool_;
  std::unique_ptr<RequestDriver> driver_;
};

using HttpAppTest = AppTest;
using EchoAppTest = AppTest;

TEST_P(HttpAppTest, GetIndexInOneRun) {
  Start(true);
  c().Bytes("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
  Response r = TakeResponse(c().sent);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, IndexHtml());
  EXPECT_EQ(r.headers["content-length"], std::to_string(IndexHtml().size()));
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["date"], kDateText);
  EXPECT_EQ(r.headers["server"], "wasp");
  EXPECT_EQ(r.headers.count("connection"), 0u);
  EXPECT_EQ(c().sent, "");
  EXPECT_EQ(c().runs, 1);
  EXPECT_FALSE(c().closed) << "keep-alive";
}

TEST_P(HttpAppTest, HeadHasLengthButNoBody) {
  Start(true);
  c().Bytes("HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  Response r = TakeResponse(c().sent, /*head_request=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], "22");
  EXPECT_EQ(c().sent, "");
}

// A well-formed request that fails keeps its connection, as nginx does: the
// next pipelined request is answered.
TEST_P(HttpAppTest, NotFoundKeepsTheConnection) {
  Start(true);
  c().Bytes(
      "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  Response r = TakeResponse(c().sent);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "404 Not Found\n");
  EXPECT_EQ(r.headers["connection"], "keep-alive");
  EXPECT_EQ(TakeResponse(c().sent).status, 200);
  EXPECT_FALSE(c().closed);
}

TEST_P(HttpAppTest, OtherMethodsAre405WithAllow) {
  Start(true);
  c().Bytes(
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  Response r = TakeResponse(c().sent);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
  EXPECT_EQ(TakeResponse(c().sent).status, 200) << "the body was skipped";
  EXPECT_FALSE(c().closed);
}

// What cannot be framed closes: the bytes after it mean nothing.
TEST_P(HttpAppTest, BrokenFramingCloses) {
  Start(true);
  c().Bytes(
      "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n"
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  Response r = TakeResponse(c().sent);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_EQ(c().sent, "");
  EXPECT_TRUE(c().closed);
}

TEST_P(HttpAppTest, PipelinedRequestsAreAnsweredInOrderInOneRun) {
  Start(true);
  c().Bytes(
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).body, "Hello from a virtine!\n");
  Response head = TakeResponse(c().sent, true);
  EXPECT_EQ(head.headers["content-length"], std::to_string(IndexHtml().size()));
  EXPECT_EQ(TakeResponse(c().sent).body, IndexHtml());
  EXPECT_EQ(c().sent, "");
  EXPECT_EQ(c().runs, 1);
}

TEST_P(HttpAppTest, PipelinedRequestsSplitAcrossRunsStayInOrder) {
  Start(true);
  std::string all;
  for (int i = 0; i < 40; ++i)
    all += "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n";
  // Arbitrary cuts, one inside a request line.
  c().Bytes(all.substr(0, 100));
  c().Bytes(all.substr(100, 777));
  c().Bytes(all.substr(877));
  for (int i = 0; i < 40; ++i) {
    Response r = TakeResponse(c().sent);
    ASSERT_EQ(r.body, "Hello from a virtine!\n") << "response " << i;
  }
  EXPECT_EQ(c().sent, "");
  EXPECT_EQ(c().runs, 3) << "one run per piece: each answers what it holds";
}

TEST_P(HttpAppTest, APartialRequestWaitsForItsLineEnds) {
  Start(true);
  std::string request = "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n";
  for (char ch : request) c().Bytes(std::string(1, ch));
  EXPECT_EQ(TakeResponse(c().sent).body, "Hello from a virtine!\n");
  // One run per line end, not per byte.
  EXPECT_LE(c().runs, 4);
}

TEST_P(HttpAppTest, KeepAliveThenClose) {
  Start(true);
  c().Bytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  Response first = TakeResponse(c().sent);
  Response second = TakeResponse(c().sent);
  EXPECT_EQ(first.body, IndexHtml());
  EXPECT_EQ(first.headers.count("connection"), 0u);
  EXPECT_EQ(second.headers["connection"], "close");
  EXPECT_TRUE(c().closed);
}

TEST_P(HttpAppTest, Http10ClosesUnlessKeepAlive) {
  Start(true);
  c().Bytes("GET /hello.txt HTTP/1.0\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).headers["connection"], "close");
  EXPECT_TRUE(c().closed);
  Start(true);
  c().Bytes("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).headers["connection"], "keep-alive");
  EXPECT_FALSE(c().closed);
}

TEST_P(HttpAppTest, TraversalIsRefused) {
  for (const char* target : {"/../hello.txt", "/%2e%2e/hello.txt",
                             "/a/%2E%2E%2f..", "/a/..%5cb", "/hello.txt%00"}) {
    Start(true);
    c().Bytes(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    Response r = TakeResponse(c().sent);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_TRUE(c().closed);
  }
}

TEST_P(HttpAppTest, LongRequestLineIs414) {
  Start(true);
  c().Bytes("GET /" + std::string(9000, 'a'));
  EXPECT_EQ(TakeResponse(c().sent).status, 414);
  EXPECT_TRUE(c().closed);
}

TEST_P(HttpAppTest, LargeHeadersAre431) {
  Start(true);
  std::string request = "GET / HTTP/1.1\r\nHost: t\r\n";
  while (request.size() < 20000)
    request += "X-Filler: " + std::string(100, 'x') + "\r\n";
  c().Bytes(request);
  EXPECT_EQ(TakeResponse(c().sent).status, 431);
}

TEST_P(HttpAppTest, TimeoutInARequestIs408) {
  Start(true);
  c().Bytes("GET / HTTP/1.1\r\nHo");
  c().Timeout();
  Response r = TakeResponse(c().sent);
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(c().closed);
}

TEST_P(HttpAppTest, TimeoutBetweenRequestsJustCloses) {
  Start(true);
  c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).status, 200);
  c().Timeout();
  EXPECT_EQ(c().sent, "");
  EXPECT_TRUE(c().closed);
}

TEST_P(HttpAppTest, RequestBodiesAreSkipped) {
  Start(true);
  c().Bytes("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123");
  c().Bytes("456789GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).body, IndexHtml());
  EXPECT_EQ(TakeResponse(c().sent).body, "Hello from a virtine!\n");
  EXPECT_EQ(c().sent, "");
}

TEST_P(HttpAppTest, LargeBodiesAreSentFromTheBundle) {
  std::string big = BigFile();
  Start(true);
  c().Bytes(
      "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: "
      "t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).body, big);
  EXPECT_EQ(TakeResponse(c().sent).body, big);
  EXPECT_EQ(c().runs, 1);
}

// Validators: an ETag and Last-Modified on every file, 304 for a client
// whose copy is current (If-None-Match first, else If-Modified-Since
// compared exactly, as nginx does).
TEST_P(HttpAppTest, ConditionalRequestsAre304) {
  Start(true);
  c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  Response full = TakeResponse(c().sent);
  std::string etag = full.headers["etag"];
  EXPECT_EQ(etag, absl::StrFormat("\"%x-16\"", absl::ToUnixSeconds(kDate)));
  EXPECT_EQ(full.headers["last-modified"], kDateText);
  EXPECT_EQ(full.headers["accept-ranges"], "bytes");

  c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"x\", " +
            etag + "\r\n\r\n");
  std::string not_modified = c().sent;
  EXPECT_TRUE(absl::StartsWith(not_modified, "HTTP/1.1 304 Not Modified\r\n"))
      << not_modified;
  EXPECT_EQ(not_modified.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(absl::EndsWith(not_modified, "\r\n\r\n")) << "no body";
  EXPECT_NE(not_modified.find("ETag: " + etag), std::string::npos);
  c().sent.clear();
  // Weak comparison; "*" matches any.
  for (std::string tag : {"W/" + etag, std::string("*")}) {
    c().Bytes("HEAD /hello.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: " + tag +
              "\r\n\r\n");
    EXPECT_TRUE(absl::StartsWith(c().sent, "HTTP/1.1 304")) << tag;
    c().sent.clear();
  }
  // Another tag: the file. If-None-Match wins over a matching date.
  c().Bytes(
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"other\"\r\n"
      "If-Modified-Since: " +
      std::string(kDateText) + "\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).status, 200);
  c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: " +
            std::string(kDateText) + "\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(c().sent, "HTTP/1.1 304")) << c().sent;
  c().sent.clear();
  c().Bytes(
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: Mon, 07 Nov "
      "1994 08:49:37 GMT\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).status, 200) << "not the exact date";
  EXPECT_FALSE(c().closed);
}

// One range per request: 206 with Content-Range, 416 when it cannot be
// met or read (as nginx); several ranges, other units and a stale If-Range
// get the whole file, as RFC 9110 allows.
TEST_P(HttpAppTest, RangeRequests) {
  Start(true);
  const std::string hello = "Hello from a virtine!\n";  // 22 bytes
  auto get = [&](const std::string& headers) {
    c().Bytes("GET /hello.txt HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n");
    return TakeResponse(c().sent);
  };
  struct Case {
    const char* range;
    int status;
    std::string body;
    const char* content_range;
  } cases[] = {
      {"bytes=0-4", 206, "Hello", "bytes 0-4/22"},
      {"bytes=6-", 206, hello.substr(6), "bytes 6-21/22"},
      {"bytes=-7", 206, hello.substr(15), "bytes 15-21/22"},
      {"bytes=-100", 206, hello, "bytes 0-21/22"},
      {"bytes=20-100", 206, hello.substr(20), "bytes 20-21/22"},
      {"BYTES=21-21", 206, "\n", "bytes 21-21/22"},
      {"bytes=22-", 416, "416 Range Not Satisfiable\n", "bytes */22"},
      {"bytes=-0", 416, "416 Range Not Satisfiable\n", "bytes */22"},
      {"bytes=0-1,3-4", 200, hello, ""},
      {"bytes=5-2", 416, "416 Range Not Satisfiable\n", "bytes */22"},
      {"items=0-4", 200, hello, ""},
      {"bytes=x-4", 416, "416 Range Not Satisfiable\n", "bytes */22"},
      {"bytes=99999999999999999999999-", 416, "416 Range Not Satisfiable\n",
       "bytes */22"},
  };
  for (const Case& test : cases) {
    Response r = get(std::string("Range: ") + test.range + "\r\n");
    EXPECT_EQ(r.status, test.status) << test.range;
    EXPECT_EQ(r.body, test.body) << test.range;
    EXPECT_EQ(r.headers["content-range"], test.content_range) << test.range;
  }
  std::string etag = get("").headers["etag"];
  EXPECT_EQ(get("Range: bytes=0-4\r\nIf-Range: " + etag + "\r\n").status, 206);
  EXPECT_EQ(
      get("Range: bytes=0-4\r\nIf-Range: " + std::string(kDateText) + "\r\n")
          .status,
      206);
  EXPECT_EQ(get("Range: bytes=0-4\r\nIf-Range: \"stale\"\r\n").status, 200);
  // A large file's range is sent from the bundle as its own segment.
  c().Bytes(
      "GET /big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=100000-199999\r\n\r\n");
  Response big = TakeResponse(c().sent);
  EXPECT_EQ(big.status, 206);
  EXPECT_EQ(big.body, BigFile().substr(100000, 100000));
  EXPECT_FALSE(c().closed);
}

// With WASP_INPUT_LOG a run returns one access log record per response.
TEST_P(HttpAppTest, WritesAccessLogRecordsWhenAsked) {
  Start(true);
  auto handler = pool_->Acquire();
  ASSERT_TRUE(handler.ok()) << handler.status();
  std::string input =
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: ua\r\n\r\n"
      "GET /none HTTP/1.1\r\nHost: t\r\n\r\n";
  auto result = (*handler)->Run(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()),
                          input.size()),
      WASP_INPUT_LOG);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->outcome, RunResult::Outcome::kAnswered) << result->failure;
  EXPECT_EQ(std::string(result->log.begin(), result->log.end()),
            "\"GET /hello.txt HTTP/1.1\" 200 22 \"-\" \"ua\"\n"
            "\"GET /none HTTP/1.1\" 404 14 \"-\" \"-\"\n");
  ASSERT_TRUE(pool_->Release(*handler).ok());
  // Without the flag: none.
  handler = pool_->Acquire();
  result = (*handler)->Run(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()),
                          input.size()),
      0);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->log.empty());
  ASSERT_TRUE(pool_->Release(*handler).ok());
}

// Records that outgrow the first log buffer move to a larger one, whole and
// in order.
TEST_P(HttpAppTest, AccessLogGrowsPastItsFirstBuffer) {
  Start(true);
  auto handler = pool_->Acquire();
  ASSERT_TRUE(handler.ok()) << handler.status();
  std::string input;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    std::string agent = absl::StrCat("agent-", i, "-", std::string(200, 'a'));
    absl::StrAppend(&input,
                    "GET /hello.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: ", agent,
                    "\r\n\r\n");
    absl::StrAppend(&expected, "\"GET /hello.txt HTTP/1.1\" 200 22 \"-\" \"",
                    agent, "\"\n");
  }
  ASSERT_GT(expected.size(), 4096u);
  auto result = (*handler)->Run(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()),
                          input.size()),
      WASP_INPUT_LOG);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->outcome, RunResult::Outcome::kAnswered) << result->failure;
  EXPECT_EQ(std::string(result->log.begin(), result->log.end()), expected);
  ASSERT_TRUE(pool_->Release(*handler).ok());
}

// A directory without its slash is redirected to it, as nginx does.
TEST_P(HttpAppTest, DirectoriesRedirectToTheirSlash) {
  Start(true);
  c().Bytes("GET /docs HTTP/1.1\r\nHost: t\r\n\r\n");
  Response moved = TakeResponse(c().sent);
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.headers["location"], "/docs/");
  EXPECT_FALSE(c().closed) << "keep-alive";
  c().Bytes("GET /docs?page=2 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).headers["location"], "/docs/?page=2");
  c().Bytes("GET /docs/ HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).body, "docs\n");
  // The raw target goes into Location: an encoded line break stays encoded.
  c().Bytes("GET /do%63s HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).headers["location"], "/do%63s/");
  c().Bytes("GET /nodir HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(c().sent).status, 404);
}

TEST_P(HttpAppTest, MalformedBundleFailsInit) {
  std::vector<uint8_t> bad = TestDocroot();
  bad[8] ^= 1;  // the size field
  auto shared = std::make_shared<const std::vector<uint8_t>>(bad);
  if (GetParam() == Runner::kNative) {
    // Another configuration than the earlier tests': refused as well.
    EXPECT_FALSE(MakeNativeHandlerPool(HttpNativeApp(), 1, shared).ok());
  } else {
    EXPECT_FALSE(MakeVirtinePool(
                     images::http(),
                     {.memory_bytes = 2 << 20, .capacity = 1, .config = shared})
                     .ok());
  }
}

TEST_P(EchoAppTest, EchoesEveryPieceAndClosesAtTheEnd) {
  Start(false);
  std::string payload(100 * 1024, 'e');
  for (size_t i = 0; i < payload.size(); i += 7) payload[i] = 'x';
  for (size_t at = 0; at < payload.size(); at += 7000)
    c().Bytes(payload.substr(at, 7000));
  EXPECT_EQ(c().sent, payload);
  EXPECT_FALSE(c().closed);
  c().Close();
  EXPECT_TRUE(c().closed);
}

std::string RunnerName(const ::testing::TestParamInfo<Runner>& info) {
  return info.param == Runner::kNative ? "Native" : "Virtine";
}

INSTANTIATE_TEST_SUITE_P(Runners, HttpAppTest,
                         ::testing::Values(Runner::kNative, Runner::kVirtine),
                         RunnerName);
INSTANTIATE_TEST_SUITE_P(Runners, EchoAppTest,
                         ::testing::Values(Runner::kNative, Runner::kVirtine),
                         RunnerName);

}  // namespace
}  // namespace wasp
