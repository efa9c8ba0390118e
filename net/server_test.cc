// End-to-end tests of the dataplane: a real server on an ephemeral loopback
// port, driven as clients drive it, for each isolation.
#include "net/server.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guest/apps/echo/echo_image.h"
#include "net/virtine_session.h"
#include "tests/apps/hostile_image.h"
#include "tests/testing/kvm.h"
#include "tests/testing/tcp_client.h"

namespace wasp {
namespace {

using testing::TcpClient;

std::string Pattern(size_t size, int seed) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i)
    data[i] = static_cast<char>((i * 7 + seed) % 251);
  return data;
}

struct ServerSetup {
  size_t pool = 4;
  size_t queue = 64;
  size_t workers = 1;
  absl::Duration idle_timeout = absl::Seconds(10);
  absl::Duration cpu_budget = absl::Milliseconds(200);
};

class ServerTest : public wasp::testing::KvmTest {
 protected:
  void StartServer(const Image& image, ServerSetup setup = {}) {
    VirtinePoolOptions virtine{.memory_bytes = 1 << 20,
                               .capacity = setup.pool,
                               .cpu_budget = setup.cpu_budget};
    ServerOptions options{.port = 0,
                          .admin_port = 0,
                          .cpus = std::vector<int>(setup.workers, -1),
                          .queue = setup.queue,
                          .idle_timeout = setup.idle_timeout};
    auto server = Server::Start(options, [image, virtine](int) -> PoolFactory {
      return [image, virtine] { return MakeVirtinePool(image, virtine); };
    });
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

TEST_F(ServerTest, EchoesLargePayloads) {
  StartServer(images::echo());
  TcpClient client = Connect();
  std::string data = Pattern(4 << 20, 1);
  EXPECT_EQ(Echo(client, data), data);
}

TEST_F(ServerTest, EchoesFragmentedPayloadsInOrder) {
  StartServer(images::echo());
  TcpClient client = Connect();
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    std::string piece = Pattern(1 + (i * 37) % 3000, i);
    expected += piece;
    ASSERT_EQ(Echo(client, piece), piece) << "fragment " << i;
  }
}

TEST_F(ServerTest, ServesMoreConnectionsThanThePool) {
  StartServer(images::echo(), {.pool = 2, .queue = 64});
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

TEST_F(ServerTest, RefusesPromptlyPastTheQueue) {
  StartServer(images::echo(), {.pool = 1, .queue = 1});
  TcpClient busy = Connect();
  ASSERT_EQ(Echo(busy, "hold"), "hold");  // holds the only virtine
  TcpClient waiting = Connect();          // queued
  absl::SleepFor(absl::Milliseconds(100));
  TcpClient refused = Connect();
  EXPECT_TRUE(refused.ClosedWithin(absl::Seconds(2)));
  EXPECT_NE(
      server_->Metrics().find("wasp_connections_refused_total{worker=\"0\"} 1"),
      std::string::npos)
      << server_->Metrics();
  // The queued one is served once the busy one leaves.
  busy.ShutdownWrite();
  ASSERT_TRUE(waiting.Send("next").ok());
  auto back = waiting.ReceiveExactly(4);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "next");
}

TEST_F(ServerTest, SlowClientDoesNotDelayAFastOne) {
  StartServer(images::echo(), {.pool = 4});
  TcpClient slow = Connect();
  ASSERT_TRUE(slow.Send("partial").ok());  // then says nothing more
  TcpClient fast = Connect();
  absl::Time start = absl::Now();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Echo(fast, "ping"), "ping");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(ServerTest, IdleClientsAreCutOff) {
  StartServer(images::echo(), {.idle_timeout = absl::Milliseconds(200)});
  TcpClient silent = Connect();
  EXPECT_TRUE(silent.ClosedWithin(absl::Seconds(3)));
}

TEST_F(ServerTest, FaultsAndLoopsEndOnlyTheirConnection) {
  StartServer(images::hostile(),
              {.pool = 2, .cpu_budget = absl::Milliseconds(50)});
  for (const char* hostile : {"FAULT", "LOOP"}) {
    TcpClient bad = Connect();
    TcpClient good = Connect();
    ASSERT_TRUE(bad.Send(hostile).ok());
    EXPECT_TRUE(bad.ClosedWithin(absl::Seconds(5))) << hostile;
    EXPECT_EQ(Echo(good, "still here"), "still here") << hostile;
  }
  std::string metrics = server_->Metrics();
  EXPECT_NE(metrics.find("wasp_guest_faults_total{worker=\"0\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wasp_budget_timeouts_total{worker=\"0\"} 1"),
            std::string::npos)
      << metrics;
}

TEST_F(ServerTest, NothingOfOneConnectionReachesTheNext) {
  StartServer(images::hostile(), {.pool = 1});  // the same virtine each time
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
TEST_F(ServerTest, ReceivedBytesDoNotReachTheNextConnection) {
  StartServer(images::hostile(), {.pool = 1});
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

TEST_F(ServerTest, ShutdownClosesIdleConnectionsAndReturns) {
  StartServer(images::echo());
  TcpClient idle = Connect();
  ASSERT_EQ(Echo(idle, "hello"), "hello");
  absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(idle.ClosedWithin(absl::Seconds(1)));
  EXPECT_FALSE(TcpClient::Connect(server_->port()).ok()) << "still accepting";
}

TEST_F(ServerTest, MetricsCountExitsPerRequest) {
  StartServer(images::echo());
  TcpClient client = Connect();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(Echo(client, "abc"), "abc");
  client.ShutdownWrite();
  EXPECT_TRUE(client.ClosedWithin(absl::Seconds(2)));
  absl::SleepFor(absl::Milliseconds(50));
  std::string metrics = server_->Metrics();
  EXPECT_NE(metrics.find("wasp_requests_total{worker=\"0\"} 10"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("# TYPE wasp_exits_per_request gauge"),
            std::string::npos);
}

}  // namespace
}  // namespace wasp
