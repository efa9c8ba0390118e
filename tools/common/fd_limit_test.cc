#include "tools/common/fd_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace wasp {
namespace {

constexpr uint64_t kNoCeiling = UINT64_MAX;

TEST(FdLimitTest, RunNeedsASocketPerConnectionAndSpares) {
  EXPECT_GT(DescriptorsForRun(10'000, 1), 10'001u);
  EXPECT_LT(DescriptorsForRun(10'000, 1), 10'200u);
  EXPECT_EQ(DescriptorsForRun(10'000, 4) - DescriptorsForRun(10'000, 1), 3u);
}

TEST(FdLimitTest, KeepsALimitThatFits) {
  std::optional<FdLimit> limit = FittingLimit(1000, {4096, 8192}, 1 << 20);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->soft, 4096u);
  EXPECT_EQ(limit->hard, 8192u);
  limit = FittingLimit(1000, {RLIM_INFINITY, RLIM_INFINITY}, 1 << 20);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->soft, RLIM_INFINITY);
}

TEST(FdLimitTest, RaisesTheSoftLimitUnderTheHardOne) {
  std::optional<FdLimit> limit = FittingLimit(10'065, {1024, 524'288}, 1 << 20);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->soft, 10'065u);
  EXPECT_EQ(limit->hard, 524'288u);
  limit = FittingLimit(10'065, {1024, RLIM_INFINITY}, kNoCeiling);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->hard, RLIM_INFINITY);
}

TEST(FdLimitTest, RaisesTheHardLimitWhenItIsTooLow) {
  std::optional<FdLimit> limit = FittingLimit(10'065, {1024, 4096}, 1 << 20);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->soft, 10'065u);
  EXPECT_EQ(limit->hard, 10'065u);
}

TEST(FdLimitTest, NothingFitsAboveNrOpen) {
  EXPECT_FALSE(FittingLimit(2'000'000, {1024, 4096}, 1 << 20).has_value());
}

TEST(FdLimitTest, RaisesThisProcessSoftLimit) {
  rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  ASSERT_GE(before.rlim_max, 512u) << "this test needs a hard limit >= 512";
  rlimit low = {.rlim_cur = 256, .rlim_max = before.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  EXPECT_TRUE(RaiseDescriptorLimit(512).ok());
  rlimit after;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, 512u);
  EXPECT_EQ(after.rlim_max, before.rlim_max);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &before), 0);
}

// Runs in a child process (a death test): a lowered hard limit cannot be
// raised again without privileges. Exits 0 if the limit was raised, or if it
// could not be and the error says how to fix it.
void LowerTheHardLimitThenRaise() {
  rlimit low = {.rlim_cur = 256, .rlim_max = 300};
  if (setrlimit(RLIMIT_NOFILE, &low) != 0) std::_Exit(3);
  absl::Status status = RaiseDescriptorLimit(1000);
  std::fprintf(stderr, "%s\n", status.ToString().c_str());
  rlimit now;
  getrlimit(RLIMIT_NOFILE, &now);
  bool raised = status.ok() && now.rlim_cur == 1000 && now.rlim_max >= 1000;
  bool explained = absl::IsResourceExhausted(status) &&
                   absl::StrContains(status.message(), "ulimit -n 1000") &&
                   absl::StrContains(status.message(), "256") &&
                   now.rlim_cur == 256;
  std::_Exit(raised || explained ? 0 : 1);
}

TEST(FdLimitDeathTest, RaisesTheHardLimitOrSaysHow) {
  EXPECT_EXIT(LowerTheHardLimitThenRaise(), ::testing::ExitedWithCode(0), "");
}

TEST(FdLimitTest, TooManyConnectionsNameTheFlag) {
  absl::Status status = FitDescriptorLimit(INT_MAX - 1000, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "--connections=2147482647"))
      << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "fewer --connections"))
      << status;
}

}  // namespace
}  // namespace wasp
