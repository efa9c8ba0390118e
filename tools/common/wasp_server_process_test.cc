#include "tools/common/wasp_server_process.h"

#include <string>

#include "gtest/gtest.h"

namespace wasp {
namespace {

// A stand-in for wasp-server: sh gets --ready_file=PATH as $0.
constexpr char kWritesReadyFile[] =
    "f=${0#--ready_file=}; "
    "printf '{\"pid\": 1, \"port\": 7, \"admin_port\": 9}' > $f.tmp; "
    "mv $f.tmp $f; sleep 30";

TEST(StartWaspServerTest, ReadsThePortsFromTheReadyFile) {
  std::string dir = ::testing::TempDir();
  auto server = StartWaspServer({"/bin/sh", "-c", kWritesReadyFile},
                                dir + "/ready", dir + "/log", -1);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(server->port, 7);
  EXPECT_EQ(server->admin_port, 9);
  EXPECT_TRUE(server->process->Running());
}

TEST(StartWaspServerTest, AServerThatExitsIsAnErrorWithItsLog) {
  std::string dir = ::testing::TempDir();
  auto server = StartWaspServer({"/bin/sh", "-c", "echo no kvm >&2; exit 1"},
                                dir + "/ready2", dir + "/log2", -1);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(server.status().message().find("exited"), std::string::npos);
  EXPECT_NE(server.status().message().find("no kvm"), std::string::npos);
}

}  // namespace
}  // namespace wasp
