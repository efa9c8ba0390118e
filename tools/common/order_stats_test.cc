#include "tools/common/order_stats.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(OrderStatsTest, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({7}), 7);
  EXPECT_EQ(Median({9, 1, 5}), 5);
  EXPECT_EQ(Median({10, 1, 4, 2}), 3);  // (2 + 4) / 2
  EXPECT_EQ(Median({1, 2}), 1.5);
}

TEST(OrderStatsTest, PercentileByNearestRank) {
  std::vector<uint64_t> values;
  for (uint64_t v = 100; v >= 1; --v) values.push_back(v);  // 1..100
  EXPECT_EQ(Percentile(values, 0), 1);
  EXPECT_EQ(Percentile(values, 1), 100);
  EXPECT_EQ(Percentile(values, 0.9), 90);  // rank 89.1 -> 89
  EXPECT_EQ(Percentile(values, 0.99), 99);
  EXPECT_EQ(Percentile(values, 2), 100) << "fractions are clamped";
  EXPECT_EQ(Percentile({}, 0.5), 0);
}

}  // namespace
}  // namespace wasp
