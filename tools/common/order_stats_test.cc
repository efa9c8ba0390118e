#include "tools/common/order_stats.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

using Counts = std::vector<uint64_t>;
using Reals = std::vector<double>;

TEST(OrderStatsTest, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(Median(Counts{}), 0);
  EXPECT_EQ(Median(Counts{7}), 7);
  EXPECT_EQ(Median(Counts{9, 1, 5}), 5);
  EXPECT_EQ(Median(Counts{10, 1, 4, 2}), 3);  // (2 + 4) / 2
  EXPECT_EQ(Median(Counts{1, 2}), 1.5);
}

TEST(OrderStatsTest, MedianOfReals) {
  EXPECT_EQ(Median(Reals{}), 0);
  EXPECT_EQ(Median(Reals{2.5, 0.5, 9.25}), 2.5);
  EXPECT_EQ(Median(Reals{0.25, 4.0, 1.0, 0.5}), 0.75);  // (0.5 + 1) / 2
}

TEST(OrderStatsTest, PercentileByNearestRank) {
  std::vector<uint64_t> values;
  for (uint64_t v = 100; v >= 1; --v) values.push_back(v);  // 1..100
  EXPECT_EQ(Percentile(values, 0), 1);
  EXPECT_EQ(Percentile(values, 1), 100);
  EXPECT_EQ(Percentile(values, 0.9), 90);  // rank 89.1 -> 89
  EXPECT_EQ(Percentile(values, 0.99), 99);
  EXPECT_EQ(Percentile(values, 2), 100) << "fractions are clamped";
  EXPECT_EQ(Percentile(Counts{}, 0.5), 0);
}

}  // namespace
}  // namespace wasp
