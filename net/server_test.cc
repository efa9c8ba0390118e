// End-to-end tests of the dataplane: a real server on an ephemeral loopback
// port, driven as clients drive it, for each isolation.
#include "net/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "base/status_macros.h"
#include "gtest/gtest.h"
#include "guest/apps/echo/echo_image.h"
#include "net/native/apps.h"
#include "net/native/coroutine_session.h"
#include "net/native/native_handler.h"
#include "net/native/process_session.h"
#include "net/virtine_session.h"
#include "tests/apps/hostile_image.h"
#include "tests/apps/stash_image.h"
#include "tests/testing/kvm.h"
#include "tests/testing/tcp_client.h"

extern "C" int hostile_app_init(void);
extern "C" int hostile_app_serve(void);
extern "C" int stash_app_init(void);
extern "C" int stash_app_handle(wasp_request_area* area);
extern "C" const uint32_t stash_app_input_capacity;

namespace wasp {
namespace {

using testing::TcpClient;

// gcc 12's libasan takes no allocator lock around fork(): a child forked
// while another thread of the process allocates can hang in its first
// malloc (seen in 1 of 6 ASan runs of the 24-client test below).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kForkHangsUnderAllocatingThreads = true;
#else
constexpr bool kForkHangsUnderAllocatingThreads = false;
#endif

enum class Isolation { kVirtine, kNone, kProcess };

// An app as each isolation runs it.
struct TestApp {
  Image image;
  NativeApp native;
};

TestApp EchoApp() { return {images::echo(), EchoNativeApp()}; }
TestApp StashApp() {
  return {images::stash(),
          {.name = "stash",
           .init = &stash_app_init,
           .handle = &stash_app_handle,
           .input_capacity = stash_app_input_capacity}};
}
TestApp HostileApp() {
  return {images::hostile(),
          {.name = "hostile",
           .init = &hostile_app_init,
           .serve = &hostile_app_serve}};
}

std::string Pattern(size_t size, int seed) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i)
    data[i] = static_cast<char>((i * 7 + seed) % 251);
  return data;
}

struct ServerSetup {
  bool http_errors = false;
  size_t pool = 4;
  size_t queue = 64;
  size_t max_connections = 10000;
  size_t workers = 1;
  absl::Duration idle_timeout = absl::Seconds(10);
  absl::Duration cpu_budget = absl::Milliseconds(200);
  bool fresh_vm = false;
};

// A low RLIMIT_NOFILE for the process while it lives (io_uring reads the
// limit when an accept is armed: lower it before the server starts), and a
// table filled up to it on demand.
class DescriptorLimit {
 public:
  DescriptorLimit() {
    EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0);
    int highest = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
      highest = std::max(highest, std::stoi(entry.path().filename()));
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest) + 256;  // for the server
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  }
  ~DescriptorLimit() {
    Free();
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &saved_), 0);
  }
  DescriptorLimit(const DescriptorLimit&) = delete;
  DescriptorLimit& operator=(const DescriptorLimit&) = delete;

  // Takes every descriptor the process has left.
  // What another thread (a sanitizer's runtime) held for a moment is taken
  // too once it is given back.
  void FillAll() {
    for (int settled = 0; settled < 3;) {
      size_t before = fillers_.size();
      for (int fd; (fd = ::dup(STDERR_FILENO)) >= 0;) fillers_.push_back(fd);
      EXPECT_EQ(errno, EMFILE);
      settled = fillers_.size() == before ? settled + 1 : 0;
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  // Leaves the process one more descriptor (for a fresh VM that needs
  // several, too few).
  void FillAllButOne() {
    FillAll();
    ASSERT_FALSE(fillers_.empty());
    ::close(fillers_.back());
    fillers_.pop_back();
  }
  void Free() {
    for (int fd : fillers_) ::close(fd);
    fillers_.clear();
  }

 private:
  rlimit saved_;
  std::vector<int> fillers_;
};

// How many pidfds this process holds: one per process session the worker
// has finished starting.
int OpenPidfds() {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    std::string target = std::filesystem::read_symlink(entry, error).string();
    if (target.find("pidfd") != std::string::npos) ++count;
  }
  return count;
}

// The value of a worker 0 counter in the server's metrics.
uint64_t Counter(const std::string& metrics, const std::string& name) {
  std::string key = name + "{worker=\"0\"} ";
  size_t at = metrics.find(key);
  if (at == std::string::npos) return 0;
  return std::stoull(metrics.substr(at + key.size()));
}

// What serves `app` under `isolation`, as wasp-server builds it.
absl::StatusOr<ServingPool> MakePool(
    Isolation isolation, const TestApp& app, const ServerSetup& setup,
    std::shared_ptr<const std::vector<uint8_t>> config) {
  switch (isolation) {
    case Isolation::kVirtine:
      return MakeVirtinePool(app.image, {.memory_bytes = 1 << 20,
                                         .capacity = setup.pool,
                                         .cpu_budget = setup.cpu_budget,
                                         .config = config,
                                         .fresh_vm = setup.fresh_vm});
    case Isolation::kNone:
      if (app.native.handle != nullptr) {
        ASSIGN_OR_RETURN(auto handlers,
                         MakeNativeHandlerPool(app.native, setup.pool, config));
        return ServingPool{.handlers = std::move(handlers)};
      } else {
        ASSIGN_OR_RETURN(auto sessions,
                         MakeCoroutinePool(app.native, setup.pool, config));
        return ServingPool{.sessions = std::move(sessions)};
      }
    case Isolation::kProcess: {
      ASSIGN_OR_RETURN(auto sessions,
                       MakeProcessPool(app.native, setup.pool, config,
                                       setup.idle_timeout, setup.cpu_budget));
      return ServingPool{.sessions = std::move(sessions)};
    }
  }
  return absl::InternalError("unknown isolation");
}

class ServerTest : public ::testing::TestWithParam<Isolation> {
 protected:
  void SetUp() override {
    // Virtines need KVM; a missing /dev/kvm fails here, saying how to fix it.
    if (GetParam() == Isolation::kVirtine) wasp::testing::ExpectKvm();
  }

  void StartServer(const TestApp& app, ServerSetup setup = {},
                   std::shared_ptr<const std::vector<uint8_t>> config =
                       std::make_shared<const std::vector<uint8_t>>()) {
    ServerOptions options{.port = 0,
                          .admin_port = 0,
                          .cpus = std::vector<int>(setup.workers, -1),
                          .max_connections = setup.max_connections,
                          .queue = setup.queue,
                          .idle_timeout = setup.idle_timeout,
                          .http_errors = setup.http_errors};
    Isolation isolation = GetParam();
    auto server = Server::Start(
        options, [=] { return MakePool(isolation, app, setup, config); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  TcpClient Connect() {
    auto client = TcpClient::Connect(server_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(*client);
  }

  // One exchange: send, then read exactly as much back.
  std::string Echo(TcpClient& client, const std::string& data) {
    std::thread sender([&] { EXPECT_TRUE(client.Send(data).ok()); });
    auto back = client.ReceiveExactly(data.size());
    sender.join();
    EXPECT_TRUE(back.ok()) << back.status();
    return back.ok() ? *back : "";
  }

  std::unique_ptr<Server> server_;
};

// Virtines and processes keep connections apart; natively nothing does.
using IsolatingServerTest = ServerTest;
using SharedServerTest = ServerTest;
using VirtineServerTest = ServerTest;
using SessionServerTest = ServerTest;
using RequestScopedServerTest = ServerTest;

TEST_P(ServerTest, EchoesLargePayloads) {
  StartServer(EchoApp());
  TcpClient client = Connect();
  std::string data = Pattern(4 << 20, 1);
  EXPECT_EQ(Echo(client, data), data);
}

TEST_P(ServerTest, EchoesFragmentedPayloadsInOrder) {
  StartServer(EchoApp());
  TcpClient client = Connect();
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    std::string piece = Pattern(1 + (i * 37) % 3000, i);
    expected += piece;
    ASSERT_EQ(Echo(client, piece), piece) << "fragment " << i;
  }
}

TEST_P(ServerTest, ServesMoreConnectionsThanThePool) {
  if (GetParam() == Isolation::kProcess && kForkHangsUnderAllocatingThreads) {
    GTEST_SKIP() << "forks beside 24 allocating client threads: gcc 12's "
                    "ASan runtime can hang the child (see above)";
  }
  StartServer(EchoApp(), {.pool = 2, .queue = 64});
  std::vector<std::thread> clients;
  std::atomic<int> served = 0;
  for (int i = 0; i < 24; ++i) {
    clients.emplace_back([&, i] {
      auto client = TcpClient::Connect(server_->port());
      if (!client.ok()) return;
      std::string data = Pattern(10000, i);
      if (!client->Send(data).ok()) return;
      client->ShutdownWrite();
      auto back = client->ReceiveAll();
      if (back.ok() && *back == data) ++served;
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(served, 24);
}

// With two workers an acceptor thread hands each connection to the least
// loaded one (a single worker accepts by itself, as every other test here).
TEST_P(ServerTest, TwoWorkersShareTheConnections) {
  StartServer(EchoApp(), {.workers = 2});
  std::vector<TcpClient> open;
  for (int i = 0; i < 4; ++i) {
    open.push_back(Connect());
    EXPECT_EQ(Echo(open.back(), "hi " + std::to_string(i)),
              "hi " + std::to_string(i));
  }
  std::string metrics = server_->Metrics();
  EXPECT_NE(metrics.find("wasp_connections_total{worker=\"0\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wasp_connections_total{worker=\"1\"} 2"),
            std::string::npos)
      << metrics;
  server_->Shutdown(absl::Seconds(1));
  EXPECT_FALSE(TcpClient::Connect(server_->port()).ok()) << "still accepting";
}

TEST_P(ServerTest, RefusesPromptlyPastMaxConnections) {
  StartServer(EchoApp(), {.pool = 4, .max_connections = 2});
  TcpClient first = Connect();
  TcpClient second = Connect();
  ASSERT_EQ(Echo(first, "one"), "one");
  ASSERT_EQ(Echo(second, "two"), "two");
  TcpClient refused = Connect();
  EXPECT_TRUE(refused.ClosedWithin(absl::Seconds(2)));
  EXPECT_NE(
      server_->Metrics().find("wasp_connections_refused_total{worker=\"0\"} 1"),
      std::string::npos)
      << server_->Metrics();
  // Once one leaves, a new one is served.
  first.ShutdownWrite();
  EXPECT_TRUE(first.ClosedWithin(absl::Seconds(2)));
  absl::SleepFor(absl::Milliseconds(50));
  TcpClient next = Connect();
  EXPECT_EQ(Echo(next, "three"), "three");
}

// Out of descriptors at run time: accepts fail and are counted, open
// connections are still served, and the waiting client is served once
// descriptors are free again.
TEST_P(ServerTest, KeepsServingWhenAcceptsRunOutOfDescriptors) {
  DescriptorLimit limit;
  StartServer(EchoApp(), {.pool = 2});
  TcpClient served = Connect();
  ASSERT_EQ(Echo(served, "before"), "before");
  if (GetParam() == Isolation::kProcess) {
    // Its child can answer before the worker has opened the child's pidfd:
    // the table fills only once the session is fully started.
    absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (OpenPidfds() == 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    ASSERT_EQ(OpenPidfds(), 1);
  }
  // Its descriptor is taken first: the server then has none to accept with.
  auto waiting = TcpClient::Open();
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  limit.FillAll();
  // The kernel completes the connection; the server cannot take it.
  ASSERT_TRUE(waiting->ConnectLoopback(server_->port()).ok());
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (Counter(server_->Metrics(), "wasp_accept_errors_total") == 0 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE(Counter(server_->Metrics(), "wasp_accept_errors_total"), 1u)
      << server_->Metrics();
  EXPECT_EQ(Echo(served, "during"), "during");
  limit.Free();
  EXPECT_EQ(Echo(*waiting, "after"), "after");
  EXPECT_EQ(Echo(served, "still"), "still");
}

// A request for which no virtine can be made (here: no descriptor for a
// new VM) is refused at once and counted; the next one is served.
TEST_P(VirtineServerTest, RequestsWithoutAVirtineAreRefusedAndCounted) {
  DescriptorLimit limit;
  StartServer(EchoApp(), {.pool = 2, .fresh_vm = true});
  TcpClient first = Connect();
  ASSERT_EQ(Echo(first, "boot"), "boot");
  TcpClient refused = Connect();
  ASSERT_EQ(Echo(refused, "accepted"), "accepted");
  // The answer goes out before its VM is destroyed: wait for that too.
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (Counter(server_->Metrics(), "wasp_connections_active") != 0 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  limit.FillAllButOne();
  ASSERT_TRUE(refused.Send("no vm").ok());
  EXPECT_TRUE(refused.ClosedWithin(absl::Seconds(5)));
  limit.Free();
  EXPECT_EQ(Counter(server_->Metrics(), "wasp_requests_unserved_total"), 1u)
      << server_->Metrics();
  TcpClient next = Connect();
  EXPECT_EQ(Echo(next, "served"), "served");
}

// A session per connection (a process): a connection gets one when its
// client sends something; past the pool such connections wait in the
// queue, past the queue they are refused at once (503 for HTTP).
TEST_P(SessionServerTest, RefusesPromptlyPastTheQueue) {
  StartServer(EchoApp(), {.pool = 1, .queue = 1});
  TcpClient busy = Connect();
  ASSERT_EQ(Echo(busy, "hold"), "hold");  // holds the only process
  TcpClient waiting = Connect();
  ASSERT_TRUE(waiting.Send("next").ok());  // queued
  absl::SleepFor(absl::Milliseconds(100));
  TcpClient refused = Connect();
  ASSERT_TRUE(refused.Send("too many").ok());
  EXPECT_TRUE(refused.ClosedWithin(absl::Seconds(2)));
  EXPECT_NE(
      server_->Metrics().find("wasp_requests_rejected_total{worker=\"0\"} 1"),
      std::string::npos)
      << server_->Metrics();
  // The queued one is served once the busy one leaves.
  busy.ShutdownWrite();
  auto back = waiting.ReceiveExactly(4);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "next");
}

// Open connections hold no virtine (or handler) while they wait: a worker
// with 8 serves a new client at once with 1,000 idle keep-alive
// connections open.
TEST_P(RequestScopedServerTest, IdleConnectionsHoldNoVirtine) {
  StartServer(EchoApp(),
              {.pool = 8, .queue = 64, .idle_timeout = absl::Seconds(30)});
  std::vector<TcpClient> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(Connect());
    ASSERT_EQ(Echo(idle.back(), "hi"), "hi") << "connection " << i;
  }
  absl::Time start = absl::Now();
  TcpClient fresh = Connect();
  EXPECT_EQ(Echo(fresh, "hello"), "hello");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "idle timeout is 30 s";
  // The worker updates its gauges just after the answer went out.
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = server_->Metrics();
    if (metrics.find("wasp_pool_in_use{worker=\"0\"} 0") != std::string::npos) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_NE(metrics.find("wasp_connections_open{worker=\"0\"} 1001"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wasp_pool_in_use{worker=\"0\"} 0"), std::string::npos)
      << metrics;
}

TEST_P(ServerTest, SlowClientDoesNotDelayAFastOne) {
  StartServer(EchoApp(), {.pool = 4});
  TcpClient slow = Connect();
  ASSERT_TRUE(slow.Send("partial").ok());  // then says nothing more
  TcpClient fast = Connect();
  absl::Time start = absl::Now();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Echo(fast, "ping"), "ping");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_P(ServerTest, IdleClientsAreCutOff) {
  StartServer(EchoApp(), {.idle_timeout = absl::Milliseconds(200)});
  TcpClient silent = Connect();
  EXPECT_TRUE(silent.ClosedWithin(absl::Seconds(3)));
}

TEST_P(IsolatingServerTest, FaultsAndLoopsEndOnlyTheirConnection) {
  StartServer(HostileApp(), {.pool = 2, .cpu_budget = absl::Milliseconds(50)});
  for (const char* hostile : {"FAULT", "LOOP"}) {
    TcpClient bad = Connect();
    TcpClient good = Connect();
    ASSERT_TRUE(bad.Send(hostile).ok());
    EXPECT_TRUE(bad.ClosedWithin(absl::Seconds(5))) << hostile;
    EXPECT_EQ(Echo(good, "still here"), "still here") << hostile;
  }
  std::string metrics = server_->Metrics();
  // A process that spins dies of SIGPROF (its CPU budget): a fault too.
  bool virtine = GetParam() == Isolation::kVirtine;
  EXPECT_NE(metrics.find(virtine ? "wasp_guest_faults_total{worker=\"0\"} 1"
                                 : "wasp_guest_faults_total{worker=\"0\"} 2"),
            std::string::npos)
      << metrics;
  if (virtine) {
    EXPECT_NE(metrics.find("wasp_budget_timeouts_total{worker=\"0\"} 1"),
              std::string::npos)
        << metrics;
  }
}

// With an HTTP app, a connection whose guest dies before answering gets a
// 500 (the worker did all its I/O, so it knows nothing was sent).
// WASP_NO_SNAPSHOT: every connection boots the app from its image.
TEST_P(VirtineServerTest, ServesWithoutSnapshots) {
  ::setenv("WASP_NO_SNAPSHOT", "1", 1);
  StartServer(EchoApp(), {.pool = 1});
  ::unsetenv("WASP_NO_SNAPSHOT");
  for (int i = 0; i < 3; ++i) {
    TcpClient client = Connect();
    EXPECT_EQ(Echo(client, "boot " + std::to_string(i)),
              "boot " + std::to_string(i));
  }
}

TEST_P(VirtineServerTest, FaultBeforeAnyResponseGets500ForHttp) {
  StartServer(HostileApp(), {.http_errors = true});
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send("FAULT").ok());
  auto response = client.ReceiveAll();
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u)
      << *response;
}

TEST_P(IsolatingServerTest, NothingOfOneConnectionReachesTheNext) {
  StartServer(HostileApp(), {.pool = 1});  // the same virtine each time
  for (int i = 0; i < 3; ++i) {
    TcpClient writer = Connect();
    ASSERT_TRUE(writer.Send("STASH secret-" + std::to_string(i)).ok());
    auto answer = writer.ReceiveAll();
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(*answer, "stashed");
    TcpClient reader = Connect();
    ASSERT_TRUE(reader.Send("PEEK").ok());
    auto peek = reader.ReceiveAll();
    ASSERT_TRUE(peek.ok());
    EXPECT_EQ(*peek, "(empty)");
  }
}

// Bytes the host received into guest memory are reset too (KVM's dirty log
// does not see host writes; 1 MiB virtines use it).
TEST_P(IsolatingServerTest, ReceivedBytesDoNotReachTheNextConnection) {
  StartServer(HostileApp(), {.pool = 1});
  for (int i = 0; i < 3; ++i) {
    TcpClient writer = Connect();
    ASSERT_TRUE(writer.Send("RECV").ok());
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(writer.Send("0123456789abcdef").ok());
    auto answer = writer.ReceiveAll();
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(*answer, "received");
    TcpClient reader = Connect();
    ASSERT_TRUE(reader.Send("PEEKRX").ok());
    auto peek = reader.ReceiveAll();
    ASSERT_TRUE(peek.ok());
    EXPECT_EQ(*peek, std::string(32, '0'));
  }
}

TEST_P(ServerTest, ShutdownClosesIdleConnectionsAndReturns) {
  StartServer(EchoApp());
  TcpClient idle = Connect();
  ASSERT_EQ(Echo(idle, "hello"), "hello");
  absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(idle.ClosedWithin(absl::Seconds(1)));
  EXPECT_FALSE(TcpClient::Connect(server_->port()).ok()) << "still accepting";
}

TEST_P(ServerTest, MetricsCountExitsPerResponse) {
  StartServer(EchoApp());
  TcpClient client = Connect();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(Echo(client, "abc"), "abc");
  client.ShutdownWrite();
  EXPECT_TRUE(client.ClosedWithin(absl::Seconds(2)));
  absl::SleepFor(absl::Milliseconds(50));
  std::string metrics = server_->Metrics();
  // A forked process does its own I/O; the worker sees only the connection.
  if (GetParam() != Isolation::kProcess) {
    EXPECT_NE(metrics.find("wasp_responses_total{worker=\"0\"} 10"),
              std::string::npos)
        << metrics;
  }
  EXPECT_NE(metrics.find("# TYPE wasp_exits_per_response gauge"),
            std::string::npos);
  // Only pooled virtines are reset: one per run here (an echo run ends at
  // each receive that finds nothing), nothing for native code or processes.
  uint64_t resets = Counter(metrics, "wasp_resets_total");
  if (GetParam() == Isolation::kVirtine) {
    EXPECT_GE(resets, 10u) << metrics;
  } else {
    EXPECT_EQ(resets, 0u) << metrics;
  }
}

TEST_P(ServerTest, SendCloseAnswersAndClosesInOneExit) {
  StartServer(HostileApp());
  for (int i = 0; i < 3; ++i) {
    TcpClient client = Connect();
    ASSERT_TRUE(client.Send("BYE").ok());
    auto answer = client.ReceiveAll();
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(*answer, "bye");
  }
  // A bad buffer ends the connection with nothing sent (natively the send
  // fails; a virtine is refused the buffer and exits); the server goes on.
  TcpClient bad = Connect();
  ASSERT_TRUE(bad.Send("BADBYE").ok());
  auto nothing = bad.ReceiveAll();
  EXPECT_TRUE(!nothing.ok() || nothing->empty()) << *nothing;
  TcpClient after = Connect();
  ASSERT_TRUE(after.Send("BYE").ok());
  EXPECT_EQ(after.ReceiveAll().value_or(""), "bye");
  if (GetParam() == Isolation::kVirtine) {
    absl::SleepFor(absl::Milliseconds(50));
    // 4 one-exit connections and one of two (the refused buffer, the exit).
    EXPECT_NE(server_->Metrics().find("wasp_vm_exits_total{worker=\"0\"} 6"),
              std::string::npos)
        << server_->Metrics();
  }
}

// Every request starts from the snapshot, even on the same connection.
TEST_P(VirtineServerTest, NothingOfOneRequestReachesTheNextOnOneConnection) {
  StartServer(StashApp(), {.pool = 1});
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send("STASH secret\n").ok());
  EXPECT_EQ(client.ReceiveExactly(8).value_or(""), "stashed\n");
  ASSERT_TRUE(client.Send("PEEK\n").ok());
  EXPECT_EQ(client.ReceiveExactly(8).value_or(""), "(empty)\n");
  // Pipelined in one run: the run sees its own stash, the next does not.
  ASSERT_TRUE(client.Send("STASH again\nPEEK\n").ok());
  EXPECT_EQ(client.ReceiveExactly(14).value_or(""), "stashed\nagain\n");
  ASSERT_TRUE(client.Send("PEEK\n").ok());
  EXPECT_EQ(client.ReceiveExactly(8).value_or(""), "(empty)\n");
}

// A request that faults or spins ends its own connection only, even with
// other connections open and idle on the same worker.
TEST_P(IsolatingServerTest, AFaultingRequestEndsOnlyItsConnection) {
  StartServer(StashApp(), {.pool = 2, .cpu_budget = absl::Milliseconds(50)});
  TcpClient idle = Connect();
  ASSERT_TRUE(idle.Send("PEEK\n").ok());
  ASSERT_EQ(idle.ReceiveExactly(8).value_or(""), "(empty)\n");
  for (const char* hostile : {"FAULT\n", "LOOP\n"}) {
    TcpClient bad = Connect();
    ASSERT_TRUE(bad.Send(hostile).ok());
    EXPECT_TRUE(bad.ClosedWithin(absl::Seconds(5))) << hostile;
    ASSERT_TRUE(idle.Send("PEEK\n").ok());
    EXPECT_EQ(idle.ReceiveExactly(8).value_or(""), "(empty)\n") << hostile;
  }
}

// A connection-scoped virtine that waits for its client hibernates: with
// one virtine, another connection is served meanwhile, and the first one
// resumes exactly where it was.
TEST_P(VirtineServerTest, AWaitingSessionHibernatesAndResumes) {
  StartServer(HostileApp(), {.pool = 1});
  TcpClient waiting = Connect();
  ASSERT_TRUE(waiting.Send("RECV").ok());  // the guest now waits to receive
  absl::SleepFor(absl::Milliseconds(50));
  TcpClient other = Connect();
  ASSERT_TRUE(other.Send("echo me").ok());
  EXPECT_EQ(other.ReceiveExactly(7).value_or(""), "echo me");
  ASSERT_TRUE(waiting.Send("0123456789abcdef").ok());
  EXPECT_EQ(waiting.ReceiveAll().value_or(""), "received");
  std::string metrics = server_->Metrics();
  EXPECT_NE(metrics.find("wasp_hibernations_total{worker=\"0\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wasp_hibernated_bytes{worker=\"0\"} 0"),
            std::string::npos)
      << metrics;
}

// What --isolation=none gives up: a connection's writes to a global are
// there for the next one (the isolating modes pass the test above).
TEST_P(SharedServerTest, NativeRequestsShareState) {
  StartServer(StashApp(), {.pool = 1});
  TcpClient writer = Connect();
  ASSERT_TRUE(writer.Send("STASH shared\n").ok());
  EXPECT_EQ(writer.ReceiveExactly(8).value_or(""), "stashed\n");
  TcpClient reader = Connect();
  ASSERT_TRUE(reader.Send("PEEK\n").ok());
  EXPECT_EQ(reader.ReceiveExactly(7).value_or(""), "shared\n");
}

TEST_P(SharedServerTest, NativeConnectionsShareState) {
  StartServer(HostileApp(), {.pool = 1});
  TcpClient writer = Connect();
  ASSERT_TRUE(writer.Send("STASH shared").ok());
  ASSERT_TRUE(writer.ReceiveAll().ok());
  TcpClient reader = Connect();
  ASSERT_TRUE(reader.Send("PEEK").ok());
  auto peek = reader.ReceiveAll();
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ(*peek, "shared");
}

std::string IsolationName(const ::testing::TestParamInfo<Isolation>& info) {
  switch (info.param) {
    case Isolation::kVirtine:
      return "Virtine";
    case Isolation::kNone:
      return "None";
    case Isolation::kProcess:
      return "Process";
  }
  return "Unknown";
}

INSTANTIATE_TEST_SUITE_P(Isolations, ServerTest,
                         ::testing::Values(Isolation::kVirtine,
                                           Isolation::kNone,
                                           Isolation::kProcess),
                         IsolationName);
INSTANTIATE_TEST_SUITE_P(Isolations, IsolatingServerTest,
                         ::testing::Values(Isolation::kVirtine,
                                           Isolation::kProcess),
                         IsolationName);
INSTANTIATE_TEST_SUITE_P(Isolations, SessionServerTest,
                         ::testing::Values(Isolation::kProcess), IsolationName);
INSTANTIATE_TEST_SUITE_P(Isolations, RequestScopedServerTest,
                         ::testing::Values(Isolation::kVirtine,
                                           Isolation::kNone),
                         IsolationName);
INSTANTIATE_TEST_SUITE_P(Isolations, VirtineServerTest,
                         ::testing::Values(Isolation::kVirtine), IsolationName);
INSTANTIATE_TEST_SUITE_P(Isolations, SharedServerTest,
                         ::testing::Values(Isolation::kNone), IsolationName);

}  // namespace
}  // namespace wasp
