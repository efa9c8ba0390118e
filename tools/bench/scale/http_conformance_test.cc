// The HTTP app's conditional and range requests against nginx's answers to
// the same requests on the same files (nginx makes ETags the same way:
// "mtime-length" in hex).
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

Reply Ask(int port, const std::string& head) {
  Reply reply;
  auto client = TcpClient::Connect(port);
  if (!client.ok() ||
      !client->Send(head + "Host: t\r\nConnection: close\r\n\r\n").ok()) {
    return reply;
  }
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

}  // namespace
}  // namespace wasp::scale
