#include "tools/artifacts/console_run.h"

#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {
namespace {

// Where an echo goes, read back once closed.
struct Echo {
  explicit Echo(std::string name)
      : path(::testing::TempDir() + "/" + name),
        file(std::fopen(path.c_str(), "w")) {}
  std::string Text() {
    std::fclose(file);
    return ReadFile(path);
  }
  std::string path;
  std::FILE* file;
};

TEST(RunWithConsoleTest, BothStreamsInOneFileAndEchoed) {
  std::string console = ::testing::TempDir() + "/both.txt";
  Echo echo("both.echo");
  absl::StatusOr<int> status =
      RunWithConsole({"/bin/sh", "-c", "echo table; echo progress >&2; exit 3"},
                     {.out = console, .err = console, .echo_out = echo.file},
                     absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, 3);
  EXPECT_EQ(ReadFile(console), "table\nprogress\n");
  EXPECT_EQ(echo.Text(), "table\nprogress\n");
}

TEST(RunWithConsoleTest, StderrApartGoesToItsOwnEcho) {
  std::string out = ::testing::TempDir() + "/out.txt";
  std::string err = ::testing::TempDir() + "/err.txt";
  Echo echo_out("out.echo");
  Echo echo_err("err.echo");
  absl::StatusOr<int> status =
      RunWithConsole({"/bin/sh", "-c", "echo table; echo progress >&2"},
                     {.out = out,
                      .err = err,
                      .echo_out = echo_out.file,
                      .echo_err = echo_err.file},
                     absl::Seconds(10));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, 0);
  EXPECT_EQ(ReadFile(out), "table\n");
  EXPECT_EQ(echo_out.Text(), "table\n");
  EXPECT_EQ(echo_err.Text(), "progress\n");
}

TEST(RunWithConsoleTest, StoppedAfterItsTimeout) {
  std::string out = ::testing::TempDir() + "/slow.txt";
  absl::Time start = absl::Now();
  absl::StatusOr<int> status =
      RunWithConsole({"/bin/sh", "-c", "echo started; exec sleep 30"},
                     {.out = out, .err = out}, absl::Milliseconds(300));
  EXPECT_EQ(status.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(ReadFile(out), "started\n");
}

TEST(OutputOfTest, StdoutOrWhyNot) {
  EXPECT_EQ(OutputOf({"/bin/sh", "-c", "echo out; echo err >&2"}).value_or(""),
            "out\n");
  EXPECT_EQ(OutputOf({"/bin/sh", "-c", "echo out; echo err >&2"},
                     /*with_stderr=*/true)
                .value_or(""),
            "out\nerr\n");
  absl::StatusOr<std::string> failed = OutputOf({"/bin/sh", "-c", "exit 4"});
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("exited with 4"),
            absl::string_view::npos);
  EXPECT_FALSE(OutputOf({"/nonexistent/program"}).ok());
}

}  // namespace
}  // namespace wasp::artifacts
