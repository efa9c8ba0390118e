// The native sessions driven by hand: a socketpair stands in for the
// client's connection and a blocking loop performs each IoRequest, as the
// worker does with io_uring.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"
#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"
#include "guest/apps/http/docroot.h"
#include "net/native/apps.h"
#include "net/native/coroutine_session.h"
#include "net/native/native_api.h"
#include "net/native/process_session.h"

namespace wasp {
namespace {

// A connection-scoped echo (the shipped echo app is request-scoped): what
// coroutine sessions serve.
int StreamEchoInit() { return 0; }
int StreamEchoServe() {
  uint8_t a[16384];
  uint8_t b[16384];
  uint8_t* out = a;
  uint8_t* in = b;
  long n = wasp_get_arg(out, sizeof a);
  if (n == 0) n = wasp_recv(out, sizeof a);
  while (n > 0) {
    n = wasp_send_recv(out, static_cast<size_t>(n), in, sizeof b);
    std::swap(out, in);
  }
  return 0;
}
NativeApp StreamEchoApp() {
  return {.name = "stream-echo",
          .init = &StreamEchoInit,
          .serve = &StreamEchoServe};
}

// --- A blocking stand-in for the worker ---

int64_t RecvInto(int fd, absl::Span<uint8_t> in) {
  if (in.empty()) return 0;
  for (;;) {
    ssize_t n = ::recv(fd, in.data(), in.size(), 0);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return errno == ECONNRESET ? -WASP_ECONNRESET : -WASP_EPIPE;
  }
}

int64_t SendAll(int fd, absl::Span<const uint8_t> out) {
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -WASP_EPIPE;
    sent += static_cast<size_t>(n);
  }
  return static_cast<int64_t>(out.size());
}

int64_t Perform(const IoRequest& request, int fd) {
  switch (request.kind) {
    case IoRequest::Kind::kRecv:
      return RecvInto(fd, request.in);
    case IoRequest::Kind::kSend:
    case IoRequest::Kind::kSendClose:
      return SendAll(fd, request.out);
    case IoRequest::Kind::kSendRecv: {
      int64_t sent = SendAll(fd, request.out);
      return sent < 0 ? sent : RecvInto(fd, request.in);
    }
    case IoRequest::Kind::kWaitFd: {
      pollfd wait = {.fd = request.fd, .events = POLLIN};
      while (::poll(&wait, 1, -1) < 0 && errno == EINTR) {
      }
      return 0;
    }
    case IoRequest::Kind::kDone:
      break;
  }
  return 0;
}

// Gives `session` its first bytes (if it takes them) and runs it to kDone.
absl::StatusOr<IoRequest> Drive(Session& session, int fd) {
  size_t length = 0;
  absl::Span<uint8_t> first = session.first_buffer();
  if (!first.empty()) {
    int64_t n = RecvInto(fd, first);
    length = n > 0 ? static_cast<size_t>(n) : 0;
  }
  absl::StatusOr<IoRequest> request = session.Start(fd, length);
  while (request.ok() && request->kind != IoRequest::Kind::kDone) {
    int64_t result = Perform(*request, fd);
    if (request->kind == IoRequest::Kind::kSendClose) return IoRequest{};
    request = session.Resume(result);
  }
  return request;
}

struct Connection {
  UniqueFd server;
  UniqueFd client;
};

Connection Connect() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::abort();
  }
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Reads until the peer closes.
std::string ReadToEnd(int fd) {
  std::string all;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return all;
    all.append(buf, static_cast<size_t>(n));
  }
}

// Sends `total` bytes in pieces, reading each piece's echo before the next;
// then closes its sending side. Returns what came back.
std::string EchoClient(int fd, size_t total, size_t piece) {
  std::string sent, echoed;
  for (size_t i = 0; i < total; ++i) sent.push_back(static_cast<char>(i * 7));
  for (size_t offset = 0; offset < total; offset += piece) {
    size_t n = std::min(piece, total - offset);
    if (::write(fd, sent.data() + offset, n) != static_cast<ssize_t>(n)) break;
    size_t want = echoed.size() + n;
    while (echoed.size() < want) {
      char buf[8192];
      ssize_t got = ::read(fd, buf, std::min(sizeof buf, want - echoed.size()));
      if (got <= 0) return echoed;
      echoed.append(buf, static_cast<size_t>(got));
    }
  }
  ::shutdown(fd, SHUT_WR);
  echoed += ReadToEnd(fd);
  return echoed == sent ? "same" : echoed;
}

// Serves one echo connection of `total` bytes through `pool`.
void ExpectEcho(SessionPool& pool, size_t total, size_t piece) {
  auto session = pool.Acquire();
  ASSERT_TRUE(session.ok()) << session.status();
  Connection c = Connect();
  std::string result;
  std::thread client(
      [&] { result = EchoClient(c.client.get(), total, piece); });
  absl::StatusOr<IoRequest> done = Drive(**session, c.server.get());
  c.server.reset();  // the worker closes the connection
  client.join();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->failed()) << done->failure;
  EXPECT_EQ(result, "same");
  EXPECT_TRUE(pool.Release(std::move(*session)).ok());
  EXPECT_EQ(pool.in_use(), 0u);
}

// One connection through `pool`: the client sends `request` (nothing if it
// is empty), the session runs to its end, then the client reads all it got.
struct Served {
  absl::StatusOr<IoRequest> done;
  std::string reply;
};
Served ServeOne(SessionPool& pool, const std::string& request) {
  auto session = pool.Acquire();
  if (!session.ok()) return {session.status(), ""};
  Connection c = Connect();
  if (!request.empty()) ::write(c.client.get(), request.data(), request.size());
  Served served{Drive(**session, c.server.get()), ""};
  c.server.reset();  // the worker closes the connection
  served.reply = ReadToEnd(c.client.get());
  EXPECT_TRUE(pool.Release(std::move(*session)).ok());
  return served;
}

std::shared_ptr<const std::vector<uint8_t>> NoConfig() {
  return std::make_shared<const std::vector<uint8_t>>();
}

// --- Test apps: C++ functions on the same runtime API as guest/apps ---

char config_seen[64];
long config_size = -1;

int ConfigInit() {
  config_size = wasp_get_config(config_seen, sizeof config_seen);
  return config_size < 0 ? 1 : 0;
}
// Sends the configuration init saw.
int ConfigServe() {
  wasp_send(config_seen, static_cast<size_t>(config_size));
  return 0;
}

int FailingInit() { return 7; }
int ExitingInit() { wasp_exit(5); }
int UnusedServe() { return 0; }

int ExitInit() { return 0; }
// Sends "bye", then ends the connection from deep inside.
int ExitServe() {
  wasp_send("bye", 3);
  wasp_exit(3);
}

int SendCloseInit() { return 0; }
// The last response and the close in one call; nothing after it runs.
int SendCloseServe() {
  wasp_send_close("last", 4);
  wasp_send("never", 5);
  return 0;
}

int FaultInit() { return 0; }
int FaultServe() {
  static char not_from_malloc[256];
  wasp_free(not_from_malloc + 128);
  return 0;
}

int CrashInit() { return 0; }
int CrashServe() { std::abort(); }

// --- Coroutines (--isolation=none) ---

TEST(CoroutinePoolTest, EchoesALargePayloadInPieces) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 4, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ((*pool)->capacity(), 4u);
  ExpectEcho(**pool, 100 * 1024, 3000);
  ExpectEcho(**pool, 100 * 1024, 40000);  // pieces larger than the app's
}

TEST(CoroutinePoolTest, FirstBufferIsTheCallArea) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 1, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  EXPECT_EQ((*session)->first_buffer().size(), size_t{WASP_CALL_ARG_MAX});
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());
}

TEST(CoroutinePoolTest, ClientThatClosesAtOnceEndsTheSession) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 1, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  Connection c = Connect();
  c.client.reset();
  absl::StatusOr<IoRequest> done = Drive(**session, c.server.get());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->failed());
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());
}

TEST(CoroutinePoolTest, CapacityIsABound) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 2, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto a = (*pool)->Acquire();
  auto b = (*pool)->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*pool)->in_use(), 2u);
  auto c = (*pool)->Acquire();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE((*pool)->Release(std::move(*a)).ok());
  auto d = (*pool)->Acquire();
  EXPECT_TRUE(d.ok());
  EXPECT_TRUE((*pool)->Release(std::move(*b)).ok());
  EXPECT_TRUE((*pool)->Release(std::move(*d)).ok());
  EXPECT_EQ((*pool)->in_use(), 0u);
  EXPECT_EQ(MakeCoroutinePool(StreamEchoApp(), 0, NoConfig()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CoroutinePoolTest, ReleaseMidConnectionThenServeAgain) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 1, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  for (int round = 0; round < 3; ++round) {
    auto session = (*pool)->Acquire();
    ASSERT_TRUE(session.ok());
    auto request = (*session)->Start(-1, 0);  // nothing yet: it receives
    ASSERT_TRUE(request.ok()) << request.status();
    EXPECT_EQ(request->kind, IoRequest::Kind::kRecv);
    EXPECT_TRUE((*pool)
                    ->Release(std::move(*session))
                    .ok());  // abandoned while suspended
  }
  ExpectEcho(**pool, 10000, 1000);  // on the reused stack
}

TEST(CoroutinePoolTest, SessionsInterleaveOnOneThread) {
  auto pool = MakeCoroutinePool(StreamEchoApp(), 2, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto a = (*pool)->Acquire();
  auto b = (*pool)->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  uint8_t* first_a = (*a)->first_buffer().data();
  uint8_t* first_b = (*b)->first_buffer().data();
  std::memcpy(first_a, "aaaa", 4);
  std::memcpy(first_b, "bb", 2);
  auto ra = (*a)->Start(-1, 4);
  auto rb = (*b)->Start(-1, 2);
  ASSERT_TRUE(ra.ok() && rb.ok());
  ASSERT_EQ(ra->kind, IoRequest::Kind::kSendRecv);
  ASSERT_EQ(rb->kind, IoRequest::Kind::kSendRecv);
  EXPECT_EQ(std::string(ra->out.begin(), ra->out.end()), "aaaa");
  EXPECT_EQ(std::string(rb->out.begin(), rb->out.end()), "bb");
  ra = (*a)->Resume(0);  // end of stream for a
  ASSERT_TRUE(ra.ok());
  EXPECT_EQ(ra->kind, IoRequest::Kind::kDone);
  std::memcpy(rb->in.data(), "ccc", 3);
  rb = (*b)->Resume(3);
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(std::string(rb->out.begin(), rb->out.end()), "ccc");
  EXPECT_EQ((*a)->Resume(0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*pool)->Release(std::move(*a)).ok());
  EXPECT_TRUE((*pool)->Release(std::move(*b)).ok());
}

TEST(CoroutinePoolTest, InitSeesTheConfigOnce) {
  auto config = std::make_shared<const std::vector<uint8_t>>(
      std::vector<uint8_t>{'c', 'f', 'g'});
  NativeApp app{.name = "config", .init = &ConfigInit, .serve = &ConfigServe};
  auto pool = MakeCoroutinePool(app, 1, config);
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto again = MakeProcessPool(app, 1, config, absl::Seconds(1));
  EXPECT_TRUE(again.ok()) << again.status();
  auto other = MakeCoroutinePool(app, 1, NoConfig());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);

  Served served = ServeOne(**pool, "x");
  ASSERT_TRUE(served.done.ok()) << served.done.status();
  EXPECT_EQ(served.reply, "cfg");
}

TEST(CoroutinePoolTest, FailedInitIsAnError) {
  auto failing = MakeCoroutinePool(
      {.name = "failing", .init = &FailingInit, .serve = &UnusedServe}, 1,
      NoConfig());
  EXPECT_EQ(failing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(failing.status().message(), "returned 7"))
      << failing.status().message();
  auto exiting = MakeProcessPool(
      {.name = "exiting", .init = &ExitingInit, .serve = &UnusedServe}, 1,
      NoConfig(), absl::Seconds(1));
  EXPECT_EQ(exiting.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(exiting.status().message(), "wasp_exit(5)"))
      << exiting.status().message();
}

TEST(CoroutinePoolTest, ExitEndsOnlyTheConnection) {
  auto pool = MakeCoroutinePool(
      {.name = "exit", .init = &ExitInit, .serve = &ExitServe}, 1, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  Served served = ServeOne(**pool, "x");
  ASSERT_TRUE(served.done.ok()) << served.done.status();
  EXPECT_FALSE(served.done->failed());
  EXPECT_EQ(served.reply, "bye");
}

TEST(CoroutinePoolTest, SendCloseIsTheSessionsLastRequest) {
  auto pool = MakeCoroutinePool(
      {.name = "send_close", .init = &SendCloseInit, .serve = &SendCloseServe},
      1, NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  auto request = (*session)->Start(-1, 0);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->kind, IoRequest::Kind::kSendClose);
  EXPECT_EQ(std::string(request->out.begin(), request->out.end()), "last");
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());  // never resumed
  EXPECT_EQ((*pool)->in_use(), 0u);
}

TEST(CoroutinePoolTest, BadFreeFailsTheSession) {
  auto pool = MakeCoroutinePool(
      {.name = "fault", .init = &FaultInit, .serve = &FaultServe}, 1,
      NoConfig());
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  auto done = (*session)->Start(-1, 0);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->kind, IoRequest::Kind::kDone);
  EXPECT_TRUE(done->failed());
  EXPECT_TRUE(absl::StrContains(done->failure, "wasp_free")) << done->failure;
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());
}

// --- Processes (--isolation=process) ---

TEST(ProcessPoolTest, EchoesALargePayloadInPieces) {
  auto pool =
      MakeProcessPool(EchoNativeApp(), 4, NoConfig(), absl::Seconds(10));
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  EXPECT_TRUE((*session)->first_buffer().empty());
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());
  ExpectEcho(**pool, 100 * 1024, 3000);
}

TEST(ProcessPoolTest, CapacityIsABound) {
  auto pool =
      MakeProcessPool(EchoNativeApp(), 1, NoConfig(), absl::Seconds(10));
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto a = (*pool)->Acquire();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*pool)->Acquire().status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE((*pool)->Release(std::move(*a)).ok());
  EXPECT_TRUE((*pool)->Acquire().ok());
}

TEST(ProcessPoolTest, ReleaseKillsARunningChild) {
  auto pool =
      MakeProcessPool(EchoNativeApp(), 1, NoConfig(), absl::Seconds(60));
  ASSERT_TRUE(pool.ok()) << pool.status();
  auto session = (*pool)->Acquire();
  ASSERT_TRUE(session.ok());
  Connection c = Connect();
  auto request = (*session)->Start(c.server.get(), 0);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->kind, IoRequest::Kind::kWaitFd);
  // Echoed by the child: it runs.
  ASSERT_EQ(::write(c.client.get(), "ping", 4), 4);
  char buf[4];
  ASSERT_EQ(::read(c.client.get(), buf, 4), 4);
  EXPECT_TRUE((*pool)->Release(std::move(*session)).ok());
  EXPECT_EQ((*pool)->in_use(), 0u);
  // The only other holder of the connection, the child, is gone.
  c.server.reset();
  absl::Time start = absl::Now();
  EXPECT_EQ(ReadToEnd(c.client.get()), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(ProcessPoolTest, CrashedChildIsAFailedSession) {
  auto pool = MakeProcessPool(
      {.name = "crash", .init = &CrashInit, .serve = &CrashServe}, 1,
      NoConfig(), absl::Seconds(10));
  ASSERT_TRUE(pool.ok()) << pool.status();
  Served served = ServeOne(**pool, "");
  ASSERT_TRUE(served.done.ok()) << served.done.status();
  EXPECT_TRUE(served.done->failed());
  EXPECT_TRUE(absl::StrContains(served.done->failure, "SIGABRT"))
      << served.done->failure;
}

TEST(ProcessPoolTest, SendCloseEndsTheChild) {
  auto pool = MakeProcessPool(
      {.name = "send_close", .init = &SendCloseInit, .serve = &SendCloseServe},
      1, NoConfig(), absl::Seconds(10));
  ASSERT_TRUE(pool.ok()) << pool.status();
  Served served = ServeOne(**pool, "");
  ASSERT_TRUE(served.done.ok()) << served.done.status();
  EXPECT_FALSE(served.done->failed()) << served.done->failure;
  EXPECT_EQ(served.reply, "last");
}

TEST(ProcessPoolTest, ExitAndSilenceEndTheChildNormally) {
  auto exit_pool =
      MakeProcessPool({.name = "exit", .init = &ExitInit, .serve = &ExitServe},
                      1, NoConfig(), absl::Seconds(10));
  ASSERT_TRUE(exit_pool.ok()) << exit_pool.status();
  Served exited = ServeOne(**exit_pool, "");
  ASSERT_TRUE(exited.done.ok()) << exited.done.status();
  EXPECT_FALSE(exited.done->failed()) << exited.done->failure;

  // A silent client: the echo app's receive times out and it returns.
  auto echo_pool =
      MakeProcessPool(EchoNativeApp(), 1, NoConfig(), absl::Milliseconds(200));
  ASSERT_TRUE(echo_pool.ok()) << echo_pool.status();
  absl::Time start = absl::Now();
  Served silent = ServeOne(**echo_pool, "");
  ASSERT_TRUE(silent.done.ok()) << silent.done.status();
  EXPECT_FALSE(silent.done->failed()) << silent.done->failure;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// --- The HTTP app, through both ---

std::string GetIndex(SessionPool& pool) {
  Served served = ServeOne(
      pool, "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  if (!served.done.ok()) return served.done.status().ToString();
  if (served.done->failed()) return served.done->failure;
  return served.reply;
}

TEST(HttpAppTest, GetIndexThroughAProcess) {
  auto docroot = std::make_shared<const std::vector<uint8_t>>(SampleDocroot());
  auto processes =
      MakeProcessPool(HttpNativeApp(), 2, docroot, absl::Seconds(10));
  ASSERT_TRUE(processes.ok()) << processes.status();
  std::string response = GetIndex(**processes);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200")) << response;
  EXPECT_TRUE(absl::StrContains(response, "<h1>Hello from a virtine</h1>"))
      << response;
}

TEST(HttpAppTest, RequestScopedAppsAreNotCoroutineSessions) {
  auto docroot = std::make_shared<const std::vector<uint8_t>>(SampleDocroot());
  auto coroutines = MakeCoroutinePool(HttpNativeApp(), 2, docroot);
  EXPECT_EQ(coroutines.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wasp
