// The example app as a user builds and serves it: the SDK installed into a
// fresh prefix, quotes.c compiled there with wasp-app-cc, the image served
// by wasp-server --app=PATH and probed over HTTP.
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/elf_image.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tests/testing/server_process.h"
#include "tests/testing/tcp_client.h"

namespace wasp {
namespace {

using testing::ServerProcess;
using testing::TcpClient;

// Installs the SDK under a new prefix and builds the example there; the
// image's path.
std::string BuildWithInstalledSdk() {
  std::string root = ::testing::TempDir() + "/sdk-user";
  std::string command = absl::StrCat(
      "set -e; rm -rf ", root, "; mkdir -p ", root, "/src; ",
      "tools/install/install_sdk.sh ", root, "/prefix; ",
      "cp examples/quotes/quotes.c ", root, "/src/; cd ", root, "/src; ",
      "../prefix/bin/wasp-app-cc -o quotes.elf quotes.c 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return root + "/src/quotes.elf";
}

TEST(QuotesTest, BuildsWithTheInstalledSdk) {
  auto image = ReadElfImage(BuildWithInstalledSdk());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->load_address, 0x8000u);
  EXPECT_GT(image->read_only_size, 0u) << "code and constants read-only";
  EXPECT_GE(image->entry, image->load_address);
}

TEST(QuotesTest, ServesItsJsonApi) {
  wasp::testing::ExpectKvm();
  std::string path = BuildWithInstalledSdk();
  ServerProcess server(
      {"--port=0", "--workers=1", "--pool=4", absl::StrCat("--app=", path)});
  ASSERT_NE(server.port(), 0) << server.Log();
  auto client = TcpClient::Connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client
                  ->Send("GET /quotes/2 HTTP/1.1\r\nHost: t\r\n\r\n"
                         "GET /quotes HTTP/1.1\r\nHost: t\r\n\r\n"
                         "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
                  .ok());
  client->ShutdownWrite();
  std::string all = client->ReceiveAll().value_or("");
  EXPECT_NE(all.find("{\"id\":2,\"author\":\"Edsger Dijkstra\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("[{\"id\":0,"), std::string::npos) << all;
  EXPECT_NE(all.find("HTTP/1.1 404 Not Found"), std::string::npos) << all;
  // Only virtines can run an image.
  ServerProcess native(
      {"--port=0", "--isolation=none", absl::StrCat("--app=", path)});
  EXPECT_EQ(native.Terminate(), 1);
  EXPECT_TRUE(absl::StrContains(native.Log(), "runs in virtines only"))
      << native.Log();
}

}  // namespace
}  // namespace wasp
