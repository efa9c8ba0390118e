// The HTTP app against nginx's answers to the same requests on the same
// files: what RFC 9110/9112 require of an origin server for GET and HEAD
// (methods, Host, Content-Length and Transfer-Encoding on requests, Date,
// Content-Type, Allow), and conditional and range requests (nginx makes
// ETags the same way: "mtime-length" in hex).
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/tcp_client.h"
#include "tools/bench/scale/servers.h"

namespace wasp::scale {
namespace {

using ::wasp::testing::TcpClient;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Sends `request` as is, reads until the server closes.
Reply AskRaw(int port, const std::string& request) {
  Reply reply;
  auto client = TcpClient::Connect(port);
  if (!client.ok() || !client->Send(request).ok()) return reply;
  client->ShutdownWrite();
  std::string all = client->ReceiveAll().value_or("");
  size_t end = all.find("\r\n\r\n");
  if (end == std::string::npos || all.size() < 12) return reply;
  (void)absl::SimpleAtoi(all.substr(9, 3), &reply.status);
  std::vector<std::string> lines = absl::StrSplit(all.substr(0, end), "\r\n");
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    reply.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  reply.body = all.substr(end + 4);
  return reply;
}

Reply Ask(int port, const std::string& head) {
  return AskRaw(port, head + "Host: t\r\nConnection: close\r\n\r\n");
}

class HttpConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "/conformance";
    ::mkdir(dir.c_str(), 0755);
    ::mkdir((dir + "/www").c_str(), 0755);
    std::ofstream(dir + "/www/hello.txt") << "Hello from a virtine!\n";
    ServerSpec spec{.wasp_server = "tools/server/wasp-server",
                    .nginx = "/usr/sbin/nginx",
                    .docroot = dir + "/www",
                    .work_dir = dir,
                    .cpu = -1,
                    .pool = 4,
                    .max_connections = 100};
    spec.config = "none";
    auto wasp = Server::Start(spec);
    ASSERT_TRUE(wasp.ok()) << wasp.status();
    wasp_ = *std::move(wasp);
    spec.config = "nginx";
    auto nginx = Server::Start(spec);
    ASSERT_TRUE(nginx.ok())
        << nginx.status() << " (tools/wasp installs nginx-light)";
    nginx_ = *std::move(nginx);
  }

  std::unique_ptr<Server> wasp_;
  std::unique_ptr<Server> nginx_;
};

TEST_F(HttpConformanceTest, ConditionalAndRangeRequestsAnswerAsNginx) {
  Reply full = Ask(nginx_->port(), "GET /hello.txt HTTP/1.1\r\n");
  ASSERT_EQ(full.status, 200);
  const std::string etag = full.headers["etag"];
  const std::string date = full.headers["last-modified"];
  Reply ours = Ask(wasp_->port(), "GET /hello.txt HTTP/1.1\r\n");
  EXPECT_EQ(ours.headers["etag"], etag);
  EXPECT_EQ(ours.headers["last-modified"], date);
  EXPECT_EQ(ours.headers["accept-ranges"], full.headers["accept-ranges"]);
  const std::vector<std::string> requests = {
      "If-None-Match: " + etag,
      "If-None-Match: \"other\", " + etag,
      "If-None-Match: W/" + etag,
      "If-None-Match: *",
      "If-None-Match: \"other\"",
      "If-Modified-Since: " + date,
      "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT",
      "If-None-Match: \"other\"\r\nIf-Modified-Since: " + date,
      "Range: bytes=0-4",
      "Range: bytes=6-",
      "Range: bytes=-7",
      "Range: bytes=-100",
      "Range: bytes=20-100",
      "Range: bytes=21-21",
      "Range: bytes=22-",
      "Range: bytes=100-200",
      "Range: bytes=-0",
      "Range: bytes=5-2",
      "Range: bytes=x-4",
      "Range: bytes=99999999999999999999999-",
      "Range: items=0-4",
      "Range: bytes=0-4\r\nIf-Range: " + etag,
      "Range: bytes=0-4\r\nIf-Range: " + date,
      "Range: bytes=0-4\r\nIf-Range: \"stale\"",
  };
  for (const std::string& header : requests) {
    std::string head = "GET /hello.txt HTTP/1.1\r\n" + header + "\r\n";
    Reply theirs = Ask(nginx_->port(), head);
    Reply mine = Ask(wasp_->port(), head);
    EXPECT_EQ(mine.status, theirs.status) << header;
    EXPECT_EQ(mine.headers["content-range"], theirs.headers["content-range"])
        << header;
    if (theirs.status == 200 || theirs.status == 206) {
      EXPECT_EQ(mine.body, theirs.body) << header;
    }
    if (theirs.status == 304) EXPECT_EQ(mine.body, "") << header;
  }
}

TEST_F(HttpConformanceTest, ProtocolAnswersAsNginx) {
  const std::vector<std::string> requests = {
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n",
      "HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /hello.txt HTTP/1.0\r\n\r\n",
      "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n",
      "POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
      "PUT /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi",
      "DELETE /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n",
      // RFC 9112 3.2: a 1.1 request without Host, or with two, is a 400.
      "GET /hello.txt HTTP/1.1\r\n\r\n",
      "GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // A body on a GET is read and ignored.
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n",
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
      "Content-Length: 2\r\n\r\nab",
      // RFC 9112 6.1: Transfer-Encoding with Content-Length is an attack.
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 3\r\n\r\n0\r\n\r\n",
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
      "GET /hello.txt HTTP/2.0\r\nHost: t\r\n\r\n",
      "GET /../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET hello.txt HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /hello.txt HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n",
  };
  for (const std::string& request : requests) {
    std::string shown = absl::StrReplaceAll(request, {{"\r\n", "|"}});
    Reply theirs = AskRaw(nginx_->port(), request);
    Reply mine = AskRaw(wasp_->port(), request);
    EXPECT_EQ(mine.status, theirs.status) << shown;
    // RFC 9110 6.6.1: an origin server with a clock sends Date.
    EXPECT_FALSE(mine.headers["date"].empty()) << shown;
    if (theirs.status == 200) {
      // The same media type; ours also names the charset.
      std::string type = mine.headers["content-type"];
      EXPECT_EQ(type.substr(0, type.find(';')), theirs.headers["content-type"])
          << shown;
      EXPECT_EQ(mine.headers["content-length"],
                theirs.headers["content-length"])
          << shown;
      EXPECT_EQ(mine.body, theirs.body) << shown;
    }
    // RFC 9110 15.5.6: a 405 says which methods the resource has.
    if (mine.status == 405) {
      EXPECT_EQ(mine.headers["allow"], "GET, HEAD") << shown;
    }
  }
}

}  // namespace
}  // namespace wasp::scale
