#include "tools/load/target.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tools/load/request.h"

namespace wasp::load {
namespace {

TEST(TargetTest, ParsesHttpUrls) {
  absl::StatusOr<Target> t =
      ParseTarget("http://127.0.0.1:8080/index.html?a=1");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->protocol, Protocol::kHttp);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->path, "/index.html?a=1");
  EXPECT_EQ(t->Authority(), "127.0.0.1:8080");

  t = ParseTarget("http://localhost");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port, 80);
  EXPECT_EQ(t->path, "/");

  t = ParseTarget("http://[::1]:9000/x");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(t->Authority(), "[::1]:9000");
  EXPECT_EQ(t->ToString(), "http://[::1]:9000/x");
}

TEST(TargetTest, ParsesEchoTargets) {
  absl::StatusOr<Target> t = ParseTarget("tcp://127.0.0.1:7");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->protocol, Protocol::kEcho);
  EXPECT_EQ(t->port, 7);
  EXPECT_EQ(t->ToString(), "tcp://127.0.0.1:7");
}

TEST(TargetTest, RejectsBadTargets) {
  for (const char* url :
       {"127.0.0.1:80", "https://127.0.0.1/", "ftp://x/", "http://",
        "http://:80/", "http://127.0.0.1:0/", "http://127.0.0.1:65536/",
        "http://127.0.0.1:+80/", "http://127.0.0.1:8x/", "http://::1/",
        "http://[::1/", "tcp://127.0.0.1", "tcp://127.0.0.1:7/path",
        "http://127.0.0.1/a b"}) {
    EXPECT_EQ(ParseTarget(url).status().code(),
              absl::StatusCode::kInvalidArgument)
        << url;
  }
}

TEST(TargetTest, LoopbackHosts) {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "127.255.255.255", "localhost", "LOCALHOST",
        "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"128.0.0.1", "10.0.0.1", "0.0.0.0", "::", "::2",
                           "8.8.8.8", "example.com", "localhost.example.com",
                           "126.255.255.255", "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(TargetTest, RefusesRemoteTargetsUnlessAllowed) {
  absl::StatusOr<Target> remote = ParseTarget("http://10.1.2.3:80/");
  ASSERT_TRUE(remote.ok());
  absl::Status refused = CheckTargetAllowed(*remote, false);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(refused.message(), "--allow_remote"))
      << refused;
  EXPECT_EQ(ResolveTarget(*remote, false).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckTargetAllowed(*remote, true).ok());
  // Names other than localhost are not even looked up.
  absl::StatusOr<Target> named = ParseTarget("http://example.com/");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(ResolveTarget(*named, false).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(TargetTest, ResolvesLoopbackToLoopback) {
  for (const char* url : {"http://127.0.0.1:8080/", "http://localhost:8080/",
                          "tcp://127.3.4.5:7"}) {
    absl::StatusOr<Target> t = ParseTarget(url);
    ASSERT_TRUE(t.ok());
    absl::StatusOr<SocketAddress> address = ResolveTarget(*t, false);
    ASSERT_TRUE(address.ok()) << url << ": " << address.status();
    EXPECT_TRUE(IsLoopbackAddress(address->get())) << url;
    ASSERT_EQ(address->get()->sa_family, AF_INET) << url;
    EXPECT_EQ(
        ntohs(reinterpret_cast<const sockaddr_in*>(address->get())->sin_port),
        t->port);
  }
}

TEST(RequestTest, SplitsHeaderListsOnlyBeforeAName) {
  EXPECT_EQ(SplitHeaderList("A: 1, 2,B: 3"),
            (std::vector<std::string>{"A: 1, 2", "B: 3"}));
  EXPECT_EQ(SplitHeaderList("Accept: text/html, application/json"),
            (std::vector<std::string>{"Accept: text/html, application/json"}));
  EXPECT_EQ(SplitHeaderList(" X-One: a , X-Two: b "),
            (std::vector<std::string>{"X-One: a", "X-Two: b"}));
  EXPECT_TRUE(SplitHeaderList("").empty());
}

TEST(RequestTest, CollectsEveryOccurrenceOfARepeatedFlag) {
  std::vector<std::string> args = {
      "wasp-load", "--header=A: 1", "-header", "B: 2",          "--headers=no",
      "--header",  "C: 3",          "--",      "--header=after"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  EXPECT_EQ(
      RepeatedFlagValues(static_cast<int>(argv.size()), argv.data(), "header"),
      (std::vector<std::string>{"A: 1", "B: 2", "C: 3"}));
}

TEST(RequestTest, BuildsHttpRequests) {
  absl::StatusOr<Target> t = ParseTarget("http://127.0.0.1:8080/index.html");
  ASSERT_TRUE(t.ok());
  absl::StatusOr<std::string> request = HttpRequest(*t, "GET", {}, true);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(*request,
            "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
  request = HttpRequest(*t, "HEAD", {"Host: example", "X-A: 1"}, false);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(*request,
            "HEAD /index.html HTTP/1.1\r\nHost: example\r\nX-A: 1\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_FALSE(HttpRequest(*t, "G T", {}, true).ok());
  EXPECT_FALSE(HttpRequest(*t, "GET", {"no colon"}, true).ok());
  EXPECT_FALSE(HttpRequest(*t, "GET", {"X: a\r\nY: b"}, true).ok());
}

}  // namespace
}  // namespace wasp::load
