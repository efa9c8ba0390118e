// The echo and HTTP apps run as the server will run them, one connection
// per call from the snapshot, with a scripted client behind the socket
// hypercalls instead of a socket.
#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/apps/echo/echo_image.h"
#include "guest/apps/http/docroot.h"
#include "guest/apps/http/http_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

const absl::Time kDate = absl::FromUnixSeconds(784111777);
const char kDateText[] = "Sun, 06 Nov 1994 08:49:37 GMT";

// The client end of one connection: what the guest receives, event by
// event, and everything it sends.
class ScriptedPeer {
 public:
  void Bytes(std::string bytes) { events_.push_back({kBytes, bytes}); }
  void Timeout() { events_.push_back({kTimeout, ""}); }
  // Every later receive returns 0.
  void Close() { events_.push_back({kClosed, ""}); }
  // No receive returns more than this.
  void set_max_chunk(size_t bytes) { max_chunk_ = bytes; }

  void Register(HypercallTable& table) {
    ASSERT_TRUE(table
                    .Register(WASP_HC_RECV,
                              [this](Virtine& v, const Hypercall& call) {
                                ++recvs;
                                return Receive(v, call.args[0], call.args[1]);
                              })
                    .ok());
    ASSERT_TRUE(table
                    .Register(WASP_HC_SEND,
                              [this](Virtine& v, const Hypercall& call) {
                                ++sends;
                                return Send(v, call.args[0], call.args[1]);
                              })
                    .ok());
    ASSERT_TRUE(table
                    .Register(WASP_HC_SEND_RECV,
                              [this](Virtine& v, const Hypercall& call) {
                                ++send_recvs;
                                HypercallResult sent =
                                    Send(v, call.args[0], call.args[1]);
                                if (sent.value < 0) return sent;
                                return Receive(v, call.args[2], call.args[3]);
                              })
                    .ok());
    // As the server does: the connection is over, the virtine not resumed.
    ASSERT_TRUE(table
                    .Register(WASP_HC_SEND_CLOSE,
                              [this](Virtine& v, const Hypercall& call) {
                                ++send_closes;
                                HypercallResult sent =
                                    Send(v, call.args[0], call.args[1]);
                                if (sent.value < 0) return sent;
                                return HypercallResult::Yield();
                              })
                    .ok());
  }

  // A new connection.
  void Reset() { *this = ScriptedPeer(); }

  std::string sent;
  int recvs = 0;
  int sends = 0;
  int send_recvs = 0;
  int send_closes = 0;
  // Guest memory received into: [address, address + length).
  std::vector<std::pair<uint64_t, uint64_t>> received_at;

 private:
  enum Kind { kBytes, kTimeout, kClosed };
  struct Event {
    Kind kind;
    std::string bytes;
  };

  HypercallResult Send(Virtine& virtine, uint64_t address, uint64_t length) {
    auto bytes = virtine.memory().Translate(address, length);
    if (!bytes.ok()) return HypercallResult::Error(WASP_EFAULT);
    sent.append(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    return HypercallResult::Return(static_cast<int64_t>(length));
  }

  HypercallResult Receive(Virtine& virtine, uint64_t address, uint64_t cap) {
    // A guest that keeps receiving after the script ends sees a close.
    if (events_.empty() || events_.front().kind == kClosed) {
      return HypercallResult::Return(0);
    }
    Event& event = events_.front();
    if (event.kind == kTimeout) {
      events_.pop_front();
      return HypercallResult::Error(WASP_ETIMEDOUT);
    }
    size_t n = std::min({cap, event.bytes.size(), max_chunk_});
    auto buffer = virtine.memory().Translate(address, n);
    if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
    std::memcpy(buffer->data(), event.bytes.data(), n);
    received_at.emplace_back(address, n);
    event.bytes.erase(0, n);
    if (event.bytes.empty()) events_.pop_front();
    return HypercallResult::Return(static_cast<int64_t>(n));
  }

  std::deque<Event> events_;
  size_t max_chunk_ = SIZE_MAX;
};

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

std::vector<uint8_t> Bytes(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

class AppTest : public testing::KvmTest,
                public ::testing::WithParamInterface<ResetKind> {
 protected:
  void Boot(const Image& image, std::vector<uint8_t> config = {}) {
    peer_.Register(table_);
    auto virtine = Virtine::Create(
        4 << 20, {.reset = GetParam(),
                  .hypercalls = &table_,
                  .allowlist = HypercallAllowlist::Of(
                      {WASP_HC_GET_ARG, WASP_HC_SET_RESULT, WASP_HC_SNAPSHOT,
                       WASP_HC_GET_CONFIG, WASP_HC_RECV, WASP_HC_SEND,
                       WASP_HC_SEND_RECV, WASP_HC_SEND_CLOSE}),
                  .bad_hypercalls = BadHypercallPolicy::kFault,
                  .config = std::make_shared<const std::vector<uint8_t>>(
                      std::move(config))});
    ASSERT_TRUE(virtine.ok()) << virtine.status();
    virtine_ = std::move(*virtine);
    ASSERT_TRUE(virtine_->load(image).ok());
  }

  void BootHttp(std::vector<uint8_t> bundle = SampleDocroot(kDate)) {
    Boot(images::http(), std::move(bundle));
  }

  // Serves one connection whose first bytes are `first`; the virtine is
  // reset afterwards, as the server does.
  void Connect(const std::string& first) {
    auto result = virtine_->call(Bytes(first), absl::Now() + absl::Seconds(20));
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->exit.reason == ExitReason::Hypercall) {
      EXPECT_EQ(result->exit.hypercall.number, WASP_HC_SEND_CLOSE);
    } else {
      EXPECT_EQ(result->exit.reason, ExitReason::Exited)
          << result->exit.ToString();
      EXPECT_EQ(result->exit.exit_code, 0);
    }
    ASSERT_TRUE(virtine_->reset().ok());
  }

  // After a reset, no byte the guest received is left where it landed.
  void ExpectNotInMemory(const std::string& secret) {
    ASSERT_FALSE(peer_.received_at.empty());
    for (auto [address, length] : peer_.received_at) {
      auto memory = virtine_->memory().Translate(address, length);
      ASSERT_TRUE(memory.ok());
      EXPECT_EQ(std::string(memory->begin(), memory->end()).find(secret),
                std::string::npos)
          << "at " << address;
    }
  }

  HypercallTable table_;
  ScriptedPeer peer_;
  std::unique_ptr<Virtine> virtine_;
};

std::string IndexHtml() {
  return UnpackDocroot(SampleDocroot(kDate))->files[1].body;
}

using HttpAppTest = AppTest;
using EchoAppTest = AppTest;

TEST_P(HttpAppTest, GetIndexInOneExit) {
  BootHttp();
  peer_.Close();
  Connect("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
  Response r = TakeResponse(peer_.sent);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, IndexHtml());
  EXPECT_EQ(r.headers["content-length"], std::to_string(IndexHtml().size()));
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["date"], kDateText);
  EXPECT_EQ(r.headers["server"], "wasp");
  EXPECT_EQ(r.headers.count("connection"), 0u);
  EXPECT_EQ(peer_.sent, "");
  // The response went out with the receive that found the close.
  EXPECT_EQ(peer_.send_recvs, 1);
  EXPECT_EQ(peer_.sends + peer_.recvs, 0);
}

TEST_P(HttpAppTest, HeadHasLengthButNoBody) {
  BootHttp();
  peer_.Close();
  Connect("HEAD /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n");
  Response r = TakeResponse(peer_.sent, /*head_request=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], "22");
  EXPECT_EQ(r.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(peer_.sent, "");
}

TEST_P(HttpAppTest, NotFoundCloses) {
  BootHttp();
  Connect("GET /missing.html HTTP/1.1\r\nHost: test\r\n\r\n");
  Response r = TakeResponse(peer_.sent);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "404 Not Found\n");
  EXPECT_EQ(r.headers["connection"], "close");
  // Sent and closed in one exit.
  EXPECT_EQ(peer_.send_closes, 1);
  EXPECT_EQ(peer_.sends + peer_.recvs + peer_.send_recvs, 0);
}

TEST_P(HttpAppTest, OtherMethodsAre405WithAllow) {
  BootHttp();
  Connect(
      "POST /index.html HTTP/1.1\r\nHost: test\r\nContent-Length: 2"
      "\r\n\r\nhi");
  Response r = TakeResponse(peer_.sent);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
  EXPECT_EQ(r.headers["connection"], "close");
}

TEST_P(HttpAppTest, PipelinedRequestsAreAnsweredInOrderInOneSend) {
  BootHttp();
  peer_.Close();
  Connect(
      "GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: test\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: test\r\n\r\n");
  Response hello = TakeResponse(peer_.sent);
  Response head = TakeResponse(peer_.sent, /*head_request=*/true);
  Response index = TakeResponse(peer_.sent);
  EXPECT_EQ(hello.body, "Hello from a virtine!\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(IndexHtml().size()));
  EXPECT_EQ(index.body, IndexHtml());
  EXPECT_EQ(peer_.sent, "");
  EXPECT_EQ(peer_.send_recvs, 1);
}

TEST_P(HttpAppTest, KeepAliveThenClose) {
  BootHttp();
  // The second request arrives in pieces, one byte at first.
  peer_.Bytes("G");
  peer_.Bytes("ET /hello.txt HTTP/1.1\r\nHost: test\r\n");
  peer_.Bytes("Connection: close\r\n\r\n");
  Connect("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
  Response first = TakeResponse(peer_.sent);
  Response second = TakeResponse(peer_.sent);
  EXPECT_EQ(first.body, IndexHtml());
  EXPECT_EQ(first.headers.count("connection"), 0u);
  EXPECT_EQ(second.body, "Hello from a virtine!\n");
  EXPECT_EQ(second.headers["connection"], "close");
  // The first response rode on the receive of "G"; the closing one goes
  // with the close and nothing more is received.
  EXPECT_EQ(peer_.send_recvs, 1);
  EXPECT_EQ(peer_.recvs, 2);
  EXPECT_EQ(peer_.send_closes, 1);
  EXPECT_EQ(peer_.sends, 0);
}

TEST_P(HttpAppTest, Http10ClosesUnlessKeepAlive) {
  BootHttp();
  Connect("GET /hello.txt HTTP/1.0\r\n\r\n");
  EXPECT_EQ(TakeResponse(peer_.sent).headers["connection"], "close");
  EXPECT_EQ(peer_.recvs + peer_.send_recvs, 0);

  peer_.Reset();
  peer_.Close();
  Connect("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  Response r = TakeResponse(peer_.sent);
  EXPECT_EQ(r.headers["connection"], "keep-alive");
  EXPECT_EQ(peer_.send_recvs, 1);
}

TEST_P(HttpAppTest, TraversalIsRefused) {
  BootHttp();
  for (const char* target : {"/../hello.txt", "/%2e%2e/hello.txt",
                             "/a/%2E%2E%2f..", "/a/..%5cb", "/hello.txt%00"}) {
    peer_.Reset();
    Connect(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    Response r = TakeResponse(peer_.sent);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.headers["connection"], "close");
  }
}

TEST_P(HttpAppTest, LongRequestLineIs414) {
  BootHttp();
  // The line never ends; the guest stops reading at the limit.
  peer_.Bytes(std::string(8192, 'a'));
  Connect("GET /" + std::string(2000, 'a'));
  EXPECT_EQ(TakeResponse(peer_.sent).status, 414);
}

TEST_P(HttpAppTest, LargeHeadersAre431) {
  BootHttp();
  std::string headers;
  while (headers.size() < 17 * 1024) {
    headers += "X-Filler: " + std::string(100, 'x') + "\r\n";
  }
  peer_.set_max_chunk(3000);
  peer_.Bytes(headers + "\r\n");
  Connect("GET / HTTP/1.1\r\nHost: test\r\n");
  EXPECT_EQ(TakeResponse(peer_.sent).status, 431);
}

TEST_P(HttpAppTest, TimeoutInARequestIs408) {
  BootHttp();
  peer_.Timeout();
  Connect("GET / HTTP/1.1\r\nHo");
  Response r = TakeResponse(peer_.sent);
  EXPECT_EQ(r.status, 408);
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_EQ(peer_.sent, "");
}

TEST_P(HttpAppTest, TimeoutBetweenRequestsJustCloses) {
  BootHttp();
  peer_.Timeout();
  // A stray line ending after a request starts no new one.
  Connect("GET /hello.txt HTTP/1.1\r\nHost: test\r\n\r\n\r\n");
  EXPECT_EQ(TakeResponse(peer_.sent).status, 200);
  EXPECT_EQ(peer_.sent, "");
}

TEST_P(HttpAppTest, NoFirstBytesClosesQuietly) {
  BootHttp();
  peer_.Close();
  Connect("");
  EXPECT_EQ(peer_.sent, "");
  EXPECT_EQ(peer_.recvs, 1);
  peer_.Reset();
  peer_.Timeout();
  Connect("");
  EXPECT_EQ(peer_.sent, "");
  EXPECT_EQ(peer_.recvs, 1);
}

TEST_P(HttpAppTest, RequestBodiesAreSkipped) {
  BootHttp();
  peer_.set_max_chunk(7);
  peer_.Bytes(
      "defghij"
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  peer_.Close();
  Connect("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(TakeResponse(peer_.sent).body, IndexHtml());
  EXPECT_EQ(TakeResponse(peer_.sent).body, "Hello from a virtine!\n");
  EXPECT_EQ(peer_.sent, "");
}

TEST_P(HttpAppTest, LargeBodiesAreSentFromTheBundle) {
  std::string big(200 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  std::string exact(64 * 1024, 's');
  auto bundle = PackDocrootFiles({{"/big.bin", "application/octet-stream", big},
                                  {"/exact.txt", "text/plain", exact}},
                                 kDate);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  BootHttp(*bundle);
  peer_.Bytes("GET /exact.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  peer_.Close();
  Connect("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(peer_.sent).body, big);
  EXPECT_EQ(TakeResponse(peer_.sent).body, exact);
  // The big one: its head, then its body with the next receive; the 64 KiB
  // one in one exit.
  EXPECT_EQ(peer_.sends, 1);
  EXPECT_EQ(peer_.send_recvs, 2);
}

TEST_P(HttpAppTest, EachConnectionStartsFromTheSnapshot) {
  BootHttp();
  // A connection that leaves a partial request and a secret behind, on a
  // page of the receive buffer the guest itself never writes.
  peer_.Bytes(std::string(6000, 'l') + "0123456789abcdef");
  peer_.Close();
  Connect("GET /hel");
  EXPECT_EQ(peer_.sent, "");
  ExpectNotInMemory("0123456789");
  peer_.Reset();
  peer_.Close();
  Connect("GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(TakeResponse(peer_.sent).body, "Hello from a virtine!\n");
  EXPECT_EQ(virtine_->stats().snapshots, 1u);
}

TEST_P(HttpAppTest, MalformedBundleFailsInit) {
  std::vector<uint8_t> bundle = SampleDocroot(kDate);
  bundle[0] ^= 1;
  BootHttp(bundle);
  auto result = virtine_->call({}, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit.reason, ExitReason::Exited);
  EXPECT_EQ(result->exit.exit_code, 1);
  EXPECT_FALSE(virtine_->has_snapshot());
}

TEST_P(EchoAppTest, EchoesLargePayloadsInChunks) {
  Boot(images::echo());
  std::string payload(100 * 1024, '\0');
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(i * 31 + 5);
  }
  peer_.set_max_chunk(7000);
  peer_.Bytes(payload);
  peer_.Close();
  Connect("hello ");
  EXPECT_EQ(peer_.sent, "hello " + payload);
  EXPECT_EQ(peer_.sends + peer_.recvs, 0);
  EXPECT_EQ(peer_.send_recvs, 1 + (100 * 1024 + 6999) / 7000);

  // The next connection starts clean.
  peer_.Reset();
  peer_.Close();
  Connect("again");
  EXPECT_EQ(peer_.sent, "again");
}

// The guest never reads what it echoes: only the host writes those pages,
// and KVM logs guest writes only. app_io_buffer makes the reset cover them.
TEST_P(EchoAppTest, ReceivedBytesDoNotOutliveTheConnection) {
  Boot(images::echo());
  peer_.Bytes(std::string(9000, 'p') + "0123456789abcdef");
  peer_.Close();
  Connect("x");
  EXPECT_EQ(peer_.sent.size(), 9017u);
  ExpectNotInMemory("0123456789");
}

TEST_P(EchoAppTest, StopsAtTimeoutOrWithoutFirstBytes) {
  Boot(images::echo());
  peer_.Bytes("b");
  peer_.Timeout();
  peer_.Bytes("never");
  Connect("a");
  EXPECT_EQ(peer_.sent, "ab");
  peer_.Reset();
  peer_.Close();
  Connect("");
  EXPECT_EQ(peer_.sent, "");
  EXPECT_EQ(peer_.recvs, 1);
}

std::string StrategyName(const ::testing::TestParamInfo<ResetKind>& info) {
  return info.param == ResetKind::kCopy ? "Copy" : "DirtyLog";
}

INSTANTIATE_TEST_SUITE_P(Strategies, HttpAppTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         StrategyName);
INSTANTIATE_TEST_SUITE_P(Strategies, EchoAppTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         StrategyName);

}  // namespace
}  // namespace wasp
