// wasp-load against a real wasp-server (virtines, so /dev/kvm is needed):
// HTTP and echo, closed and open loop, and the errors it must report.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tests/testing/server_process.h"
#include "tools/load/testing/load_process.h"

namespace wasp::load {
namespace {

using ::wasp::load::testing::JsonNumber;
using ::wasp::load::testing::LoadResult;
using ::wasp::load::testing::ReadFile;
using ::wasp::load::testing::RunLoad;
using ::wasp::load::testing::TempPath;
using ::wasp::testing::ServerProcess;

// wasp-server with `app` in virtines, as the tests here load it.
std::vector<std::string> ServerFlags(const std::string& app) {
  return {"--port=0", "--admin-port=-1",     "--workers=1",
          "--pool=8", "--isolation=virtine", absl::StrCat("--app=", app)};
}

// The invariant every run keeps, plus what a clean run shows.
void ExpectCleanRun(const LoadResult& run) {
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string& json = run.out;
  ASSERT_TRUE(absl::StartsWith(json, "{") && absl::EndsWith(json, "}\n"))
      << json;
  double requests = JsonNumber(json, "requests");
  double sent = JsonNumber(json, "sent");
  double answered = JsonNumber(json, "answered");
  double errors = JsonNumber(json, "total", "errors");
  EXPECT_GT(requests, 0) << json;
  EXPECT_EQ(errors, 0) << json;
  EXPECT_EQ(JsonNumber(json, "total", "connection_errors"), 0) << json;
  EXPECT_EQ(sent, answered + errors) << json;
  EXPECT_GT(JsonNumber(json, "requests_per_sec"), 0) << json;
  EXPECT_GT(JsonNumber(json, "bytes_per_sec"), 0) << json;
  EXPECT_GT(JsonNumber(json, "duration_s"), 0) << json;
  for (const char* p : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_GT(JsonNumber(json, p, "latency_us"), 0) << p << " " << json;
  }
  EXPECT_LE(JsonNumber(json, "p50", "latency_us"),
            JsonNumber(json, "p99", "latency_us"));
}

using LoadE2eTest = wasp::testing::KvmTest;

TEST_F(LoadE2eTest, HttpKeepAliveClosedLoop) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  LoadResult run = RunLoad(
      {"--duration=1s", "--connections=4", "--json",
       absl::StrCat("http://127.0.0.1:", server.port(), "/index.html")});
  ExpectCleanRun(run);
  EXPECT_EQ(JsonNumber(run.out, "2xx", "status"),
            JsonNumber(run.out, "answered"));
}

TEST_F(LoadE2eTest, HttpPipelinedWithDashedFlagsAndTwoThreads) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  ExpectCleanRun(RunLoad(
      {"--duration=1s", "--warmup=200ms", "--connections=4", "--threads=2",
       "--pipeline=4", "--header=X-Test: 1", "--header", "Accept: */*",
       "--json",
       absl::StrCat("http://127.0.0.1:", server.port(), "/hello.txt")}));
}

TEST_F(LoadE2eTest, HttpConnectionPerRequest) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  ExpectCleanRun(RunLoad(
      {"--duration=1s", "--connections=2", "--keepalive=false", "--json",
       absl::StrCat("http://127.0.0.1:", server.port(), "/index.html")}));
}

TEST_F(LoadE2eTest, EchoClosedLoop) {
  ServerProcess server(ServerFlags("echo"));
  ASSERT_NE(server.port(), 0) << server.Log();
  LoadResult run =
      RunLoad({"--duration=1s", "--connections=4", "--payload=100", "--json",
               absl::StrCat("tcp://127.0.0.1:", server.port())});
  ExpectCleanRun(run);
  // Every answered request brought its 100 bytes back.
  EXPECT_EQ(JsonNumber(run.out, "bytes_received"),
            100 * JsonNumber(run.out, "answered"))
      << run.out;
}

TEST_F(LoadE2eTest, OpenLoopSendsTheScheduledRequests) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  LoadResult run = RunLoad(
      {"--duration=1s", "--connections=4", "--rate=100", "--json",
       absl::StrCat("http://127.0.0.1:", server.port(), "/index.html")});
  ExpectCleanRun(run);
  // Each request intended within the second was sent, however late, or is
  // reported as never sent.
  EXPECT_EQ(JsonNumber(run.out, "sent") + JsonNumber(run.out, "backlog_at_end"),
            100)
      << run.out;
  // How many were sent in time depends on the server's speed; every one sent
  // was answered.
  EXPECT_GT(JsonNumber(run.out, "sent"), 0) << run.out;
  EXPECT_EQ(JsonNumber(run.out, "answered"), JsonNumber(run.out, "sent"))
      << run.out;
  EXPECT_NE(run.out.find("\"mode\":\"open\""), std::string::npos);
}

TEST_F(LoadE2eTest, ExactRequestCount) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  LoadResult run = RunLoad(
      {"--requests=300", "--connections=3", "--json",
       absl::StrCat("http://127.0.0.1:", server.port(), "/index.html")});
  ExpectCleanRun(run);
  EXPECT_EQ(JsonNumber(run.out, "sent"), 300) << run.out;
  EXPECT_EQ(JsonNumber(run.out, "answered"), 300) << run.out;
}

TEST_F(LoadE2eTest, BadStatusesAreCountedApart) {
  ServerProcess server(ServerFlags("http"));
  ASSERT_NE(server.port(), 0) << server.Log();
  LoadResult run =
      RunLoad({"--requests=50", "--connections=2", "--json",
               absl::StrCat("http://127.0.0.1:", server.port(), "/missing")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(JsonNumber(run.out, "bad_status", "errors"), 50) << run.out;
  EXPECT_EQ(JsonNumber(run.out, "4xx", "status"), 50) << run.out;
  EXPECT_EQ(JsonNumber(run.out, "answered"), 0) << run.out;
}

// Needs no server: nothing listens on the port.
TEST(LoadErrorsTest, ConnectErrorsKeepTheInvariant) {
  int port = 0;
  {
    ServerProcess server(
        ServerFlags("echo"));  // a port that was free a moment ago
    port = server.port() != 0 ? server.port() : 1;
  }
  LoadResult run = RunLoad({"--duration=300ms", "--connections=2", "--json",
                            absl::StrCat("tcp://127.0.0.1:", port)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  double sent = JsonNumber(run.out, "sent");
  EXPECT_GT(JsonNumber(run.out, "connect", "errors"), 0) << run.out;
  EXPECT_GT(JsonNumber(run.out, "connect_refused", "connection_errors"), 0)
      << run.out;
  EXPECT_EQ(JsonNumber(run.out, "answered"), 0) << run.out;
  EXPECT_EQ(sent, JsonNumber(run.out, "total", "errors")) << run.out;
}

// A listener that never accepts: connections open (the backlog takes them)
// but no response ever comes.
TEST(LoadErrorsTest, SilentServersTimeOut) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  ASSERT_EQ(
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  LoadResult run = RunLoad(
      {"--duration=500ms", "--connections=2", "--pipeline=2", "--timeout=100ms",
       "--json",
       absl::StrCat("http://127.0.0.1:", ntohs(address.sin_port), "/")});
  close(listener);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(JsonNumber(run.out, "timeout", "errors"), 0) << run.out;
  EXPECT_GT(JsonNumber(run.out, "read_timeout", "connection_errors"), 0)
      << run.out;
  EXPECT_EQ(JsonNumber(run.out, "answered"), 0) << run.out;
  EXPECT_EQ(JsonNumber(run.out, "sent"), JsonNumber(run.out, "total", "errors"))
      << run.out;
}

TEST(LoadErrorsTest, RefusesRemoteTargets) {
  LoadResult run = RunLoad({"--duration=1s", "http://192.0.2.1:80/"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "--allow_remote")) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(LoadErrorsTest, RejectsBadFlags) {
  for (const char* flag : {"--pipeline=0", "--threads=5", "--rate=-1"}) {
    LoadResult run = RunLoad({flag, "--connections=2", "http://127.0.0.1:1/"});
    EXPECT_EQ(run.exit_code, 2) << flag;
    EXPECT_FALSE(run.err.empty()) << flag;
  }
}

}  // namespace
}  // namespace wasp::load
