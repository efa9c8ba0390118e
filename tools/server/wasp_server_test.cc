// The wasp-server binary as users run it: flags, HTTP over real sockets,
// the metrics endpoint and SIGTERM, for each isolation.
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tests/testing/server_process.h"
#include "tests/testing/tcp_client.h"
#include "tools/common/fd_limit.h"
#include "tools/common/json_number.h"

namespace wasp {
namespace {

using testing::ReadAll;
using testing::ServerProcess;
using testing::TcpClient;

std::string Get(const std::string& path, const std::string& extra = "") {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: test\r\n", extra,
                      "\r\n");
}

class WaspServerTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    // "isolation" or "isolation:flag".
    std::vector<std::string> mode = absl::StrSplit(GetParam(), ':');
    if (mode[0] == "virtine") wasp::testing::ExpectKvm();
    std::vector<std::string> args = {
        "--port=0", "--admin_port=0",    "--workers=1",
        "--pool=4", "--idle-timeout=1s", absl::StrCat("--isolation=", mode[0])};
    if (mode.size() > 1) args.push_back(absl::StrCat("--", mode[1]));
    server_ = std::make_unique<ServerProcess>(args);
    ASSERT_NE(server_->port(), 0) << server_->Log();
  }

  TcpClient Connect() {
    auto client = TcpClient::Connect(server_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(*client);
  }

  // One response: headers, then as many body bytes as Content-Length says.
  std::string Response(TcpClient& client) {
    std::string data;
    while (data.find("\r\n\r\n") == std::string::npos) {
      auto chunk = client.Receive();
      if (!chunk.ok() || chunk->empty()) return data;
      data += *chunk;
    }
    size_t header_end = data.find("\r\n\r\n") + 4;
    size_t length = 0;
    size_t at = data.find("Content-Length: ");
    if (at != std::string::npos && at < header_end) {
      length = std::stoul(data.substr(at + 16));
    }
    if (data.substr(0, 20).find("HEAD") != std::string::npos) length = 0;
    while (data.size() < header_end + length) {
      auto chunk = client.Receive();
      if (!chunk.ok() || chunk->empty()) break;
      data += *chunk;
    }
    pending_ = data.substr(std::min(data.size(), header_end + length));
    return data.substr(0, header_end + length);
  }

  std::unique_ptr<ServerProcess> server_;
  std::string pending_;
};

TEST_P(WaspServerTest, ServesTheSamplePageWithKeepAlive) {
  TcpClient client = Connect();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Send(Get("/")).ok());
    std::string response = Response(client);
    EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
    EXPECT_NE(response.find("Content-Type: text/html"), std::string::npos);
    EXPECT_NE(response.find("Date: "), std::string::npos);
    EXPECT_NE(response.find("Hello from a virtine"), std::string::npos);
  }
}

// The line of /proc/PID/status that starts with `key`.
std::string ProcStatus(pid_t pid, const std::string& key,
                       const std::string& task = "") {
  std::ifstream status(
      task.empty() ? absl::StrCat("/proc/", pid, "/status")
                   : absl::StrCat("/proc/", pid, "/task/", task, "/status"));
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, key)) return line;
  }
  return "";
}

TEST_P(WaspServerTest, IsConfinedOnceServing) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/hello.txt")).ok());
  EXPECT_TRUE(absl::StartsWith(Response(client), "HTTP/1.1 200 OK"));
  pid_t pid = server_->pid();
  // Every thread: capabilities and no_new_privs are per thread. Sanitizer
  // builds: the main one (their runtime's threads keep theirs).
  std::vector<std::string> tasks = {""};
  if (getenv("WASP_SANITIZE") == nullptr) {
    for (const auto& entry : std::filesystem::directory_iterator(
             absl::StrCat("/proc/", pid, "/task"))) {
      // KVM's kernel workers (kvm-nx-lpage-recovery) never run user code;
      // one of a fresh VM may be gone already (no name).
      std::string name;
      std::getline(std::ifstream(entry.path() / "comm"), name);
      if (name.empty() || absl::StartsWith(name, "kvm-")) continue;
      tasks.push_back(entry.path().filename());
    }
    EXPECT_GE(tasks.size(), 3u) << "the main thread and a worker at least";
  }
  for (const std::string& task : tasks) {
    if (ProcStatus(pid, "Name:", task).empty()) continue;  // ended meanwhile
    EXPECT_EQ(ProcStatus(pid, "NoNewPrivs:", task), "NoNewPrivs:\t1") << task;
    EXPECT_EQ(ProcStatus(pid, "CapEff:", task), "CapEff:\t0000000000000000")
        << task;
    EXPECT_EQ(ProcStatus(pid, "CapPrm:", task), "CapPrm:\t0000000000000000")
        << task;
    EXPECT_EQ(ProcStatus(pid, "CapBnd:", task), "CapBnd:\t0000000000000000")
        << task;
  }
  // Sanitizer builds keep no seccomp filter (their runtime needs ptrace).
  if (getenv("WASP_SANITIZE") == nullptr) {
    EXPECT_EQ(ProcStatus(pid, "Seccomp:"), "Seccomp:\t2");
  }
}

// Whether this process could switch to nobody (uid and gid 65534).
bool CanBecomeNobody() {
  pid_t pid = fork();
  if (pid == 0) {
    gid_t gid = 65534;
    _exit(setgroups(1, &gid) == 0 && setresgid(gid, gid, gid) == 0 &&
                  setresuid(65534, 65534, 65534) == 0
              ? 0
              : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// --user drops root once /dev/kvm is open and the port is bound; the
// virtines still run.
TEST(WaspServerSandboxTest, ServesAsTheUserGiven) {
  wasp::testing::ExpectKvm();
  ServerProcess server({"--port=0", "--workers=1", "--pool=2",
                        "--isolation=virtine", "--user=nobody"});
  if (!CanBecomeNobody()) {  // not root, or a user namespace that forbids it
    EXPECT_EQ(server.Terminate(), 1);
    EXPECT_NE(server.Log().find("need the server to be started as root"),
              std::string::npos)
        << server.Log();
    return;
  }
  ASSERT_NE(server.port(), 0) << server.Log();
  auto client = TcpClient::Connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->Send(Get("/hello.txt", "Connection: close\r\n")).ok());
  EXPECT_TRUE(
      absl::StartsWith(client->ReceiveAll().value_or(""), "HTTP/1.1 200 OK"));
  EXPECT_EQ(ProcStatus(server.pid(), "Uid:"),
            "Uid:\t65534\t65534\t65534\t65534");
  ServerProcess unknown({"--port=0", "--user=no-such-user-here"});
  EXPECT_EQ(unknown.Terminate(), 2);
  EXPECT_NE(unknown.Log().find("--user=no-such-user-here: no such user"),
            std::string::npos)
      << unknown.Log();
}

// With several workers an acceptor thread makes its own ring: before the
// sandbox forbids io_uring_setup, every time (a race lost 1 start in 3 on a
// busy machine).
TEST(WaspServerSandboxTest, TwoWorkersServeUnderTheSandbox) {
  for (int round = 0; round < 10; ++round) {
    ServerProcess server({"--port=0", "--workers=2", "--isolation=none"});
    ASSERT_NE(server.port(), 0) << server.Log();
    for (int i = 0; i < 4; ++i) {
      auto client = TcpClient::Connect(server.port());
      ASSERT_TRUE(client.ok()) << client.status();
      ASSERT_TRUE(
          client->Send(Get("/hello.txt", "Connection: close\r\n")).ok());
      EXPECT_TRUE(absl::StartsWith(client->ReceiveAll().value_or(""),
                                   "HTTP/1.1 200 OK"))
          << "round " << round << ", client " << i << ": " << server.Log();
    }
  }
}

TEST(WaspServerSandboxTest, SandboxFalseLeavesTheProcessAlone) {
  ServerProcess server(
      {"--port=0", "--workers=1", "--isolation=none", "--sandbox=false"});
  ASSERT_NE(server.port(), 0) << server.Log();
  EXPECT_EQ(ProcStatus(server.pid(), "Seccomp:"), "Seccomp:\t0");
  EXPECT_EQ(ProcStatus(server.pid(), "NoNewPrivs:"), "NoNewPrivs:\t0");
}

TEST_P(WaspServerTest, AnswersPipelinedRequestsInOrder) {
  TcpClient client = Connect();
  ASSERT_TRUE(
      client.Send(Get("/hello.txt") + Get("/") + Get("/hello.txt")).ok());
  std::string first = Response(client);
  EXPECT_NE(first.find("text/plain"), std::string::npos) << first;
  std::string all = pending_;
  auto rest = client.Receive();
  // The remaining two responses, however they were split.
  for (int i = 0; i < 10 && std::count(all.begin(), all.end(), 'H') < 2 &&
                  rest.ok() && !rest->empty();
       ++i) {
    all += *rest;
    rest = client.Receive();
  }
  EXPECT_NE(all.find("text/html"), std::string::npos) << all;
  EXPECT_NE(all.find("text/plain"), std::string::npos) << all;
}

TEST_P(WaspServerTest, AnswersEveryErrorStatus) {
  struct Case {
    std::string request;
    std::string status;
  } cases[] = {
      {Get("/missing"), "404"},
      {"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", "405"},
      {"GARBAGE\r\n\r\n", "400"},
      {Get("/" + std::string(9000, 'a')), "414"},
      {Get("/", "X-Big: " + std::string(20000, 'b') + "\r\n"), "431"},
      {Get("/../../etc/passwd"), "40"},
      {Get("/%2e%2e/%2e%2e/etc/passwd"), "40"},
  };
  for (const Case& c : cases) {
    TcpClient client = Connect();
    ASSERT_TRUE(client.Send(c.request).ok());
    std::string response = Response(client);
    EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 " + c.status))
        << c.request.substr(0, 60) << " -> " << response.substr(0, 80);
    EXPECT_EQ(response.find("root:"), std::string::npos);
  }
  TcpClient post = Connect();
  ASSERT_TRUE(
      post.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
          .ok());
  EXPECT_NE(Response(post).find("Allow: GET, HEAD"), std::string::npos);
}

TEST_P(WaspServerTest, SlowRequestGets408) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHo").ok());  // then nothing
  std::string response = Response(client);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 408")) << response;
}

// Each piece arrives within the idle timeout (1 s), but the request as a
// whole takes longer: it is answered 408 all the same.
TEST_P(WaspServerTest, TricklingRequestGets408) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\n").ok());
  absl::Time start = absl::Now();
  for (int i = 0; i < 12; ++i) {  // until the server answers
    pollfd answer = {.fd = client.fd(), .events = POLLIN, .revents = 0};
    if (::poll(&answer, 1, 300) > 0) break;
    if (!client.Send("X-Slow: 1\r\n").ok()) break;
  }
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2500));
  std::string response = Response(client);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 408")) << response;
}

TEST_P(WaspServerTest, MetricsAndGracefulShutdown) {
  TcpClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/")).ok());
  Response(client);
  auto admin = TcpClient::Connect(server_->admin_port());
  ASSERT_TRUE(admin.ok()) << server_->Log();
  ASSERT_TRUE(admin->Send("GET /metrics HTTP/1.1\r\n\r\n").ok());
  auto metrics = admin->ReceiveAll();
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("wasp_responses_total{worker=\"0\"}"),
            std::string::npos)
      << *metrics;
  EXPECT_EQ(server_->Terminate(), 0) << server_->Log();
  EXPECT_TRUE(client.ClosedWithin(absl::Seconds(1)));
  EXPECT_NE(server_->Log().find("stopped"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Isolations, WaspServerTest,
                         ::testing::Values("virtine", "none", "process",
                                           "virtine:fresh_vm"),
                         [](const auto& info) {
                           return absl::StrReplaceAll(info.param, {{":", "_"}});
                         });

std::string Metrics(int admin_port) {
  auto admin = TcpClient::Connect(admin_port);
  if (!admin.ok() || !admin->Send("GET /metrics HTTP/1.1\r\n\r\n").ok()) {
    return "";
  }
  return admin->ReceiveAll().value_or("");
}

// A response far larger than the socket buffer: the virtine (or handler)
// goes back to the pool at once and the rest is sent from host memory while
// the client takes its time; both pipelined responses arrive whole.
class WaspServerLargeResponseTest
    : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (std::string(GetParam()) == "virtine") wasp::testing::ExpectKvm();
  }
};

TEST_P(WaspServerLargeResponseTest, IsSentWholeAfterTheVirtineIsFree) {
  std::string docroot =
      absl::StrCat(::testing::TempDir(), "/large-", GetParam());
  ::mkdir(docroot.c_str(), 0755);
  std::string body(4 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>('a' + (i * 7919) % 26);
  }
  std::ofstream(docroot + "/big.bin", std::ios::binary) << body;
  ServerProcess server({"--port=0", "--admin_port=0", "--workers=1", "--pool=1",
                        absl::StrCat("--docroot=", docroot), "--mem=16M",
                        absl::StrCat("--isolation=", GetParam())});
  ASSERT_NE(server.port(), 0) << server.Log();
  TcpClient client = *TcpClient::Connect(server.port());
  std::string get = "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_TRUE(client.Send(get + get).ok());
  absl::SleepFor(absl::Milliseconds(300));  // not reading yet
  std::string metrics = Metrics(server.admin_port());
  EXPECT_NE(metrics.find("wasp_pool_in_use{worker=\"0\"} 0"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wasp_connections_active{worker=\"0\"} 1"),
            std::string::npos)
      << metrics;
  std::string data;
  size_t head = 0;
  while (data.size() < 2 * (body.size() + 200)) {
    auto chunk = client.Receive();
    if (!chunk.ok() || chunk->empty()) break;
    data += *chunk;
    if (head == 0) head = data.find("\r\n\r\n");
    if (head != std::string::npos && head > 0 &&
        data.size() >= 2 * (head + 4 + body.size())) {
      break;
    }
  }
  ASSERT_NE(head, std::string::npos);
  size_t one = head + 4 + body.size();
  ASSERT_EQ(data.size(), 2 * one);
  EXPECT_EQ(data.substr(head + 4, body.size()), body);
  EXPECT_EQ(data.substr(one + head + 4, body.size()), body);
}

// The ready file names the process and its ports; /healthz answers while it
// runs, /readyz until it starts draining, then 503 while connections finish.
TEST(WaspServerReadinessTest, ReadyFileHealthAndReadiness) {
  std::string docroot = absl::StrCat(::testing::TempDir(), "/ready-docroot");
  ::mkdir(docroot.c_str(), 0755);
  std::ofstream(docroot + "/big.bin", std::ios::binary)
      << std::string(8 << 20, 'x');
  ServerProcess server({"--port=0", "--admin_port=0", "--workers=1",
                        "--isolation=none", "--shutdown_grace=3s",
                        absl::StrCat("--docroot=", docroot)});
  ASSERT_NE(server.port(), 0) << server.Log();
  EXPECT_EQ(server.pid_in_ready_file(), server.pid());
  auto get = [&](const char* path) {
    auto admin = TcpClient::Connect(server.admin_port());
    if (!admin.ok() ||
        !admin->Send(absl::StrCat("GET ", path, " HTTP/1.1\r\n\r\n")).ok()) {
      return std::string();
    }
    return admin->ReceiveAll().value_or("");
  };
  EXPECT_TRUE(absl::StartsWith(get("/healthz"), "HTTP/1.1 200"))
      << get("/healthz");
  EXPECT_TRUE(absl::StartsWith(get("/readyz"), "HTTP/1.1 200"));
  EXPECT_TRUE(absl::StartsWith(get("/nothing"), "HTTP/1.1 404"));
  // A response the client does not read keeps the drain going.
  TcpClient slow = *TcpClient::Connect(server.port());
  ASSERT_TRUE(slow.Send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n").ok());
  absl::SleepFor(absl::Milliseconds(200));
  ::kill(server.pid(), SIGTERM);
  std::string readyz;
  for (int i = 0; i < 50; ++i) {
    readyz = get("/readyz");
    if (absl::StartsWith(readyz, "HTTP/1.1 503")) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(absl::StartsWith(readyz, "HTTP/1.1 503")) << readyz;
  EXPECT_TRUE(absl::StartsWith(get("/healthz"), "HTTP/1.1 200"));
  // Read it all: the drain ends and the process exits 0.
  std::string all = slow.ReceiveAll().value_or("");
  EXPECT_GT(all.size(), size_t{8 << 20});
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
}

TEST(WaspServerListenTest, ServesOnIpv6Loopback) {
  ServerProcess server(
      {"--listen=::1", "--port=0", "--workers=1", "--isolation=none"});
  ASSERT_NE(server.port(), 0) << server.Log();
  auto client = TcpClient::ConnectTo("::1", server.port());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(client
                  ->Send("GET /hello.txt HTTP/1.1\r\nHost: [::1]\r\n"
                         "Connection: close\r\n\r\n")
                  .ok());
  EXPECT_TRUE(
      absl::StartsWith(client->ReceiveAll().value_or(""), "HTTP/1.1 200 OK"));
  EXPECT_FALSE(TcpClient::ConnectTo("127.0.0.1", server.port()).ok())
      << "IPv6 only, as nginx";
  ServerProcess bad({"--listen=localhost6", "--port=0"});
  EXPECT_EQ(bad.Terminate(), 1);
  EXPECT_NE(bad.Log().find("expected an IPv4 or IPv6 address"),
            std::string::npos)
      << bad.Log();
}

// Two processes with --reuseport share one port; the kernel spreads
// connections between them.
TEST(WaspServerListenTest, ReuseportSharesAPortBetweenProcesses) {
  ServerProcess first({"--port=0", "--admin_port=0", "--workers=1",
                       "--isolation=none", "--reuseport"});
  ASSERT_NE(first.port(), 0) << first.Log();
  ServerProcess second({absl::StrCat("--port=", first.port()), "--admin_port=0",
                        "--workers=1", "--isolation=none", "--reuseport"});
  ASSERT_EQ(second.port(), first.port()) << second.Log();
  ServerProcess refused({absl::StrCat("--port=", first.port()), "--workers=1",
                         "--isolation=none"});
  EXPECT_EQ(refused.Terminate(), 1) << "no --reuseport: the port is taken";
  for (int i = 0; i < 64; ++i) {
    auto client = TcpClient::Connect(first.port());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client
                    ->Send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n"
                           "Connection: close\r\n\r\n")
                    .ok());
    ASSERT_TRUE(
        absl::StartsWith(client->ReceiveAll().value_or(""), "HTTP/1.1 200 OK"));
  }
  int served[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    std::string metrics = Metrics((i == 0 ? first : second).admin_port());
    size_t at = metrics.find("wasp_connections_total{worker=\"0\"} ");
    ASSERT_NE(at, std::string::npos) << metrics;
    served[i] = std::atoi(metrics.c_str() + at + 35);
  }
  EXPECT_EQ(served[0] + served[1], 64);
  EXPECT_GT(served[0], 0);
  EXPECT_GT(served[1], 0);
}

// The access log: one combined-format line per request, parsed back.
class WaspServerAccessLogTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (std::string(GetParam()) == "virtine") wasp::testing::ExpectKvm();
  }
};

TEST_P(WaspServerAccessLogTest, LogsEveryRequestInTheCombinedFormat) {
  std::string log =
      absl::StrCat(::testing::TempDir(), "/access-", GetParam(), ".log");
  ::unlink(log.c_str());
  ServerProcess server({"--port=0", "--workers=1",
                        absl::StrCat("--isolation=", GetParam()),
                        absl::StrCat("--access-log=", log)});
  ASSERT_NE(server.port(), 0) << server.Log();
  TcpClient client = *TcpClient::Connect(server.port());
  ASSERT_TRUE(client
                  .Send("GET /hello.txt HTTP/1.1\r\nHost: t\r\n"
                        "User-Agent: test-agent/1.0\r\nReferer: http://r/\r\n"
                        "\r\n"
                        "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"
                        "GET /missing HTTP/1.1\r\nHost: t\r\n"
                        "User-Agent: say \"hi\"\r\nConnection: close\r\n\r\n")
                  .ok());
  std::string all = client.ReceiveAll().value_or("");
  ASSERT_NE(all.find("404 Not Found"), std::string::npos) << all;
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
  std::vector<std::string> lines =
      absl::StrSplit(ReadAll(log), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << ReadAll(log);
  // 127.0.0.1 - - [29/Nov/2026:21:21:11 +0000] "GET ..." 200 22 "ref" "ua"
  for (const std::string& line : lines) {
    EXPECT_TRUE(absl::StartsWith(line, "127.0.0.1 - - [")) << line;
    EXPECT_NE(line.find(" +0000] \""), std::string::npos) << line;
  }
  EXPECT_TRUE(absl::EndsWith(
      lines[0],
      "] \"GET /hello.txt HTTP/1.1\" 200 22 \"http://r/\" \"test-agent/1.0\""))
      << lines[0];
  EXPECT_TRUE(
      absl::EndsWith(lines[1], "] \"HEAD / HTTP/1.1\" 200 0 \"-\" \"-\""))
      << lines[1];
  EXPECT_TRUE(absl::EndsWith(
      lines[2], "] \"GET /missing HTTP/1.1\" 404 14 \"-\" \"say \\\"hi\\\"\""))
      << lines[2];
}

INSTANTIATE_TEST_SUITE_P(Isolations, WaspServerAccessLogTest,
                         ::testing::Values("virtine", "none"),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Isolations, WaspServerLargeResponseTest,
                         ::testing::Values("virtine", "none"),
                         [](const auto& info) { return info.param; });

// One worker, 10,000 open keep-alive connections, each answered once:
// SIGTERM still stops the server within its grace period, every client
// sees its connection end.
class WaspServerScaleTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (std::string(GetParam()) == "virtine") wasp::testing::ExpectKvm();
    // The clients' sockets live in this process.
    ASSERT_TRUE(RaiseDescriptorLimit(kConnections + 256).ok());
  }
  static constexpr int kConnections = 10000;
};

TEST_P(WaspServerScaleTest, DrainsTenThousandOpenConnectionsInTheGrace) {
  ServerProcess server({"--port=0", "--workers=1", "--pool=8",
                        "--shutdown_grace=3s", "--idle-timeout=60s",
                        absl::StrCat("--isolation=", GetParam())});
  ASSERT_NE(server.port(), 0) << server.Log();
  std::vector<TcpClient> clients;
  clients.reserve(kConnections);
  const std::string request = "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n";
  for (int i = 0; i < kConnections; ++i) {
    auto client = TcpClient::Connect(server.port());
    ASSERT_TRUE(client.ok()) << "connection " << i << ": " << client.status();
    ASSERT_TRUE(client->Send(request).ok());
    auto head = client->ReceiveExactly(17);
    ASSERT_TRUE(head.ok()) << "connection " << i << ": " << head.status();
    ASSERT_EQ(*head, "HTTP/1.1 200 OK\r\n") << "connection " << i;
    clients.push_back(*std::move(client));
  }
  absl::Time start = absl::Now();
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
  EXPECT_LT(absl::Now() - start, absl::Seconds(4)) << "grace is 3 s";
  int closed = 0;
  for (TcpClient& client : clients) {
    if (client.ClosedWithin(absl::Seconds(1))) ++closed;  // at once if so
  }
  EXPECT_EQ(closed, kConnections);
}

INSTANTIATE_TEST_SUITE_P(Isolations, WaspServerScaleTest,
                         ::testing::Values("virtine", "none"),
                         [](const auto& info) { return info.param; });

TEST(WaspServerFlagsTest, BadFlagsAreClearErrors) {
  ServerProcess server({"--isolation=chroot", "--port=0"});
  EXPECT_EQ(server.Terminate(), 2);
  EXPECT_NE(server.Log().find("--isolation=chroot"), std::string::npos)
      << server.Log();
  ServerProcess fresh({"--isolation=none", "--fresh-vm", "--port=0"});
  EXPECT_EQ(fresh.Terminate(), 2);
  EXPECT_NE(fresh.Log().find("--fresh_vm needs --isolation=virtine"),
            std::string::npos)
      << fresh.Log();
  // More connections than any process may have descriptors for (fs.nr_open
  // is at most 2^30): stopped at once, saying how to fix it.
  ServerProcess greedy({"--isolation=none", "--port=0", "--workers=1",
                        "--max-connections=2000000000"});
  EXPECT_EQ(greedy.Terminate(), 2);
  EXPECT_NE(greedy.Log().find("--max-connections=2000000000"),
            std::string::npos)
      << greedy.Log();
  EXPECT_NE(greedy.Log().find("file descriptors"), std::string::npos)
      << greedy.Log();
}

}  // namespace
}  // namespace wasp
