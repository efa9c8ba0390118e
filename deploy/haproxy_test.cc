// deploy/haproxy.cfg as shipped, in front of three wasp-server instances on
// loopback: a drained instance (SIGTERM) loses no request, a killed one
// (SIGKILL) is retried around, and one started again rejoins.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/spawn.h"
#include "tests/testing/tcp_client.h"
#include "tools/common/json_number.h"

namespace wasp {
namespace {

using testing::ReadAll;
using testing::ServerProcess;
using testing::TcpClient;

constexpr char kHaproxy[] = "/usr/sbin/haproxy";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A child with stdout and stderr in files; killed when destroyed.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& out)
      : pid_(testing::Spawn(std::move(args), out, out)) {
    EXPECT_GT(pid_, 0);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
};

std::vector<std::string> InstanceFlags(int port = 0, int admin_port = 0) {
  return {absl::StrCat("--port=", port),
          absl::StrCat("--admin_port=", admin_port),
          "--workers=1",
          "--pool=8",
          "--isolation=none",
          "--shutdown_grace=3s"};
}

class HaproxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kHaproxy, X_OK), 0)
        << kHaproxy << " is missing: tools/wasp installs Debian's haproxy "
        << "(apt-get install haproxy)";
    for (int i = 0; i < 3; ++i) {
      servers_.push_back(std::make_unique<ServerProcess>(InstanceFlags()));
      ASSERT_NE(servers_.back()->port(), 0) << servers_.back()->Log();
      const char* name[] = {"A", "B", "C"};
      ::setenv(absl::StrCat("WASP_", name[i]).c_str(),
               absl::StrCat("127.0.0.1:", servers_.back()->port()).c_str(), 1);
      ::setenv(absl::StrCat("WASP_", name[i], "_ADMIN").c_str(),
               absl::StrCat(servers_.back()->admin_port()).c_str(), 1);
    }
    front_ = FreePort();
    ::setenv("WASP_FRONT", absl::StrCat("127.0.0.1:", front_).c_str(), 1);
    log_ = ::testing::TempDir() + "/haproxy.log";
    haproxy_ = std::make_unique<Child>(
        std::vector<std::string>{kHaproxy, "-db", "-f", "deploy/haproxy.cfg"},
        log_);
    // Serving once every instance passed its health checks.
    for (int i = 0; i < 100 && !AllUp(); ++i) {
      absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_TRUE(AllUp()) << ReadAll(log_);
  }

  // Every instance answered a request through HAProxy.
  bool AllUp() {
    for (int i = 0; i < 9; ++i) {
      auto client = TcpClient::Connect(front_, absl::Seconds(2));
      if (!client.ok()) return false;
      if (!client
               ->Send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n"
                      "Connection: close\r\n\r\n")
               .ok()) {
        return false;
      }
      if (client->ReceiveAll().value_or("").rfind("HTTP/1.1 200", 0) != 0) {
        return false;
      }
    }
    return true;
  }

  // Runs wasp-load through HAProxy for `seconds` while `during` runs
  // after `after`; returns its JSON report.
  std::string LoadWhile(absl::Duration after,
                        const std::function<void()>& during, int seconds = 4) {
    std::string out = ::testing::TempDir() + "/load.json";
    Child load({"tools/load/wasp-load", "--connections=16",
                absl::StrCat("--duration=", seconds, "s"), "--json",
                absl::StrCat("http://127.0.0.1:", front_, "/hello.txt")},
               out);
    absl::SleepFor(after);
    during();
    EXPECT_EQ(load.Wait(), 0) << ReadAll(out);
    return ReadAll(out);
  }

  static double Failed(const std::string& json) {
    return JsonNumber(json, "total", "errors");
  }

  std::vector<std::unique_ptr<ServerProcess>> servers_;
  std::unique_ptr<Child> haproxy_;
  int front_ = 0;
  std::string log_;
};

TEST_F(HaproxyTest, DrainKillAndRejoinLoseNoRequest) {
  // SIGTERM: /readyz turns 503 first, HAProxy stops sending, the instance's
  // connections end; no request fails.
  std::string drain = LoadWhile(absl::Milliseconds(1500), [&] {
    EXPECT_EQ(servers_[0]->Terminate(), 0) << servers_[0]->Log();
  });
  EXPECT_GT(JsonNumber(drain, "answered"), 100) << drain;
  EXPECT_EQ(Failed(drain), 0) << drain;

  // SIGKILL: requests caught on it are retried on another instance.
  std::string kill =
      LoadWhile(absl::Milliseconds(1500), [&] { servers_[1]->Kill(); });
  EXPECT_GT(JsonNumber(kill, "answered"), 100) << kill;
  EXPECT_EQ(Failed(kill), 0) << kill;
  std::printf(
      "through HAProxy: %.0f and %.0f requests/s, %.0f and %.0f "
      "failed during the drain and the kill\n",
      JsonNumber(drain, "requests_per_sec"),
      JsonNumber(kill, "requests_per_sec"), Failed(drain), Failed(kill));

  // Started again on its address, the killed one rejoins.
  int port = servers_[1]->port(), admin = servers_[1]->admin_port();
  servers_[1] = std::make_unique<ServerProcess>(InstanceFlags(port, admin));
  ASSERT_EQ(servers_[1]->port(), port) << servers_[1]->Log();
  absl::SleepFor(absl::Milliseconds(800));  // two health checks
  std::string again = LoadWhile(
      absl::Seconds(0), [] {}, 2);
  EXPECT_EQ(Failed(again), 0) << again;
  auto admin_client = TcpClient::Connect(admin);
  ASSERT_TRUE(admin_client.ok());
  ASSERT_TRUE(admin_client->Send("GET /metrics HTTP/1.1\r\n\r\n").ok());
  std::string metrics = admin_client->ReceiveAll().value_or("");
  EXPECT_EQ(metrics.find("wasp_responses_total{worker=\"0\"} 0\n"),
            std::string::npos)
      << "the new instance got no request: " << metrics;
}

}  // namespace
}  // namespace wasp
