#include "tools/bench/scale/probes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "base/unique_fd.h"
#include "gtest/gtest.h"

namespace wasp::scale {
namespace {

// A listener that answers every connection's first bytes with "OK\n" and
// then counts what else arrives.
class TinyServer {
 public:
  TinyServer() {
    fd_.reset(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), length);
    ::listen(fd_.get(), 128);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int client = ::accept(fd_.get(), nullptr, nullptr);
        if (client < 0) return;
        char buffer[256];
        ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n > 0 && buffer[0] == 'Q') (void)!::send(client, "OK\n", 3, 0);
        clients_.emplace_back(client);
      }
    });
  }
  ~TinyServer() {
    ::shutdown(fd_.get(), SHUT_RDWR);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  UniqueFd fd_;
  int port_ = 0;
  std::vector<UniqueFd> clients_;
  std::thread thread_;
};

TEST(OpenIdleConnectionsTest, EachIsAnsweredThenHeldOpen) {
  TinyServer server;
  auto open = OpenIdleConnections(server.port(), 20, "Q?", "OK\n");
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->size(), 20u);
  auto wrong = OpenIdleConnections(server.port(), 1, "Q?", "NO\n");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
}

TEST(SlowClientsTest, SendBytesSlowly) {
  TinyServer server;
  SlowClients slow(server.port(), 5, absl::Milliseconds(50));
  absl::SleepFor(absl::Milliseconds(400));
  EXPECT_GE(slow.connects(), 5u);
  EXPECT_GE(slow.bytes_sent(), 10u);
  EXPECT_LE(slow.bytes_sent(), 60u) << "one byte per client per interval";
}

}  // namespace
}  // namespace wasp::scale
