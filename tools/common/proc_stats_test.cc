#include "tools/common/proc_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "base/unique_fd.h"
#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(ProcKiBTest, ReadsAField) {
  std::string path = ::testing::TempDir() + "/status";
  std::ofstream(path) << "Name:\tx\nVmRSS:\t   2048 kB\nPss:  7 kB\n";
  EXPECT_EQ(ProcKiB(path, "VmRSS").value_or(0), 2048u);
  EXPECT_EQ(ProcKiB(path, "Pss").value_or(0), 7u);
  EXPECT_FALSE(ProcKiB(path, "VmHWM").ok());
  EXPECT_FALSE(ProcKiB(path + "-missing", "VmRSS").ok());
}

TEST(ProcKiBTest, ThisProcessHasResidentMemory) {
  EXPECT_GT(ResidentKiB({getpid()}).value_or(0), 100u);
  EXPECT_GT(ProportionalKiB({getpid()}).value_or(0), 10u);
}

TEST(OpenFdCountTest, CountsThisProcessesDescriptors) {
  uint64_t before = OpenFdCount(getpid()).value_or(0);
  EXPECT_GE(before, 3u);
  UniqueFd extra(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(extra.valid());
  EXPECT_EQ(OpenFdCount(getpid()).value_or(0), before + 1);
  EXPECT_FALSE(OpenFdCount(-1).ok());
}

}  // namespace
}  // namespace wasp
