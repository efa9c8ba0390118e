#include "tools/artifacts/data_files.h"

#include <string>

#include "gtest/gtest.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {
namespace {

TEST(WriteDataFilesTest, EveryFileThenTheLineThatEndsTheTable) {
  std::string dir = ::testing::TempDir();
  ::testing::internal::CaptureStdout();
  EXPECT_TRUE(WriteDataFiles(dir, {{"a.csv", "x,y\n1,2\n"}, {"b.csv", "z\n"}}));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "\nCSV written to " + dir + "\n");
  EXPECT_EQ(ReadFile(dir + "/a.csv"), "x,y\n1,2\n");
  EXPECT_EQ(ReadFile(dir + "/b.csv"), "z\n");
}

TEST(WriteDataFilesTest, NoLineWhenAFileCouldNotBeWritten) {
  ::testing::internal::CaptureStdout();
  EXPECT_FALSE(WriteDataFiles(::testing::TempDir() + "/missing/dir",
                              {{"a.csv", "x\n"}}));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

TEST(WriteDataFilesTest, NothingWithoutADirectory) {
  ::testing::internal::CaptureStdout();
  EXPECT_TRUE(WriteDataFiles("", {{"a.csv", "x\n"}}));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

}  // namespace
}  // namespace wasp::artifacts
