#include "tools/common/child_process.h"

#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/common/proc_stats.h"

namespace wasp {
namespace {

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

TEST(ReadFileTest, WholeFileOrEmpty) {
  std::string path = ::testing::TempDir() + "/read_file";
  auto writer = ChildProcess::Start({"/bin/sh", "-c", "printf 'a\\nb'"}, path,
                                    "/dev/null");
  ASSERT_TRUE(writer.ok());
  ASSERT_EQ((*writer)->Wait(absl::Seconds(5)).value_or(-1), 0);
  EXPECT_EQ(ReadFile(path), "a\nb");
  EXPECT_EQ(ReadFile(path + "-missing"), "");
}

TEST(ChildProcessTest, OneFileForStdoutAndStderrKeepsBoth) {
  std::string path = ::testing::TempDir() + "/both";
  auto child = ChildProcess::Start(
      {"/bin/sh", "-c", "echo out; echo err >&2; echo out again"}, path, path);
  ASSERT_TRUE(child.ok());
  ASSERT_EQ((*child)->Wait(absl::Seconds(5)).value_or(-1), 0);
  EXPECT_EQ(ReadFile(path), "out\nerr\nout again\n");
}

TEST(WriteFileTest, ReplacesTheContentsOrSaysWhy) {
  std::string path = ::testing::TempDir() + "/write_file";
  ASSERT_TRUE(WriteFile(path, "a longer first text").ok());
  ASSERT_TRUE(WriteFile(path, "short").ok());
  EXPECT_EQ(ReadFile(path), "short");
  absl::Status missing = WriteFile(path + "-dir/missing/file", "x");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("-dir/missing/file"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace wasp
