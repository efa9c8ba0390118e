#include "tools/bench/scale/probes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tools/bench/scale/child_process.h"

namespace wasp::scale {
namespace {

TEST(ProcKiBTest, ReadsAField) {
  std::string path = ::testing::TempDir() + "/status";
  std::ofstream(path) << "Name:\tx\nVmRSS:\t   2048 kB\nPss:  7 kB\n";
  EXPECT_EQ(ProcKiB(path, "VmRSS").value_or(0), 2048u);
  EXPECT_EQ(ProcKiB(path, "Pss").value_or(0), 7u);
  EXPECT_FALSE(ProcKiB(path, "VmHWM").ok());
  EXPECT_FALSE(ProcKiB(path + "-missing", "VmRSS").ok());
}

TEST(ProcKiBTest, ThisProcessHasResidentMemory) {
  EXPECT_GT(ResidentKiB({getpid()}).value_or(0), 100u);
  EXPECT_GT(ProportionalKiB({getpid()}).value_or(0), 10u);
}

TEST(ChildProcessTest, RunsWaitsAndIsFoundAsAChild) {
  auto sleeper = ChildProcess::Start({"/bin/sleep", "10"}, "/dev/null",
                                     "/dev/null", /*cpu=*/0);
  ASSERT_TRUE(sleeper.ok()) << sleeper.status();
  std::vector<pid_t> children = ChildrenOf(getpid());
  EXPECT_NE(std::find(children.begin(), children.end(), (*sleeper)->pid()),
            children.end());
  EXPECT_TRUE((*sleeper)->Running());
  auto status = (*sleeper)->Wait(absl::Milliseconds(100));
  EXPECT_EQ(status.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE((*sleeper)->Running());

  auto quick = ChildProcess::Start({"/bin/sh", "-c", "exit 3"}, "/dev/null",
                                   "/dev/null");
  ASSERT_TRUE(quick.ok());
  EXPECT_EQ((*quick)->Wait(absl::Seconds(5)).value_or(-1), 3);
  EXPECT_FALSE(
      ChildProcess::Start({"/nonexistent/server"}, "/dev/null", "/dev/null")
          .ok());
}

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
