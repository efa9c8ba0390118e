#include "tools/load/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

constexpr double kPercentiles[] = {1, 10, 50, 90, 99, 99.9, 100};

// The value a sorted sample has at `percentile`, by the same rank rule.
int64_t ExactPercentile(const std::vector<int64_t>& sorted, double percentile) {
  auto rank = static_cast<size_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Records `values`, then checks every percentile within 1% of the truth.
void ExpectPercentilesMatch(std::vector<int64_t> values) {
  LatencyHistogram histogram;
  for (int64_t v : values) histogram.Record(v);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(histogram.count(), values.size());
  EXPECT_EQ(histogram.min(), values.front());
  EXPECT_EQ(histogram.max(), values.back());
  for (double p : kPercentiles) {
    int64_t exact = ExactPercentile(values, p);
    int64_t got = histogram.ValueAtPercentile(p);
    EXPECT_LE(std::abs(got - exact), std::max<double>(1.0, exact * 0.01))
        << "p" << p << ": histogram " << got << " us, exact " << exact;
    EXPECT_GE(got, exact) << "p" << p;  // the bucket's upper end
  }
}

TEST(HistogramTest, BucketsCoverTheRangeWithoutGapsOrOverlap) {
  for (int i = 1; i < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::LowOf(i), LatencyHistogram::HighOf(i - 1) + 1)
        << i;
  }
  EXPECT_EQ(LatencyHistogram::IndexOf(0), 0);
  EXPECT_EQ(LatencyHistogram::IndexOf(255), 255);
  EXPECT_EQ(LatencyHistogram::IndexOf(256), 256);
  EXPECT_LT(LatencyHistogram::IndexOf(LatencyHistogram::kMaxMicros),
            LatencyHistogram::kBucketCount);
  for (int64_t v : {1, 300, 1000, 123457, 59'999'999}) {
    int index = LatencyHistogram::IndexOf(v);
    EXPECT_LE(LatencyHistogram::LowOf(index), v);
    EXPECT_GE(LatencyHistogram::HighOf(index), v);
    // Two significant digits: a bucket is under 1% of its values wide.
    EXPECT_LT(LatencyHistogram::HighOf(index) - LatencyHistogram::LowOf(index),
              std::max<double>(1.0, 0.01 * v));
  }
}

TEST(HistogramTest, UniformDistribution) {
  std::mt19937_64 random(1);
  std::uniform_int_distribution<int64_t> uniform(1, 100'000);
  std::vector<int64_t> values(200'000);
  for (int64_t& v : values) v = uniform(random);
  ExpectPercentilesMatch(values);
}

TEST(HistogramTest, ExponentialDistribution) {
  std::mt19937_64 random(2);
  std::exponential_distribution<double> exponential(1.0 / 500);  // mean 500us
  std::vector<int64_t> values(200'000);
  for (int64_t& v : values) v = 1 + static_cast<int64_t>(exponential(random));
  ExpectPercentilesMatch(values);
}

TEST(HistogramTest, ConstantIsExact) {
  for (int64_t value : {7, 1000, 4'321'987}) {
    LatencyHistogram histogram;
    for (int i = 0; i < 1000; ++i) histogram.Record(value);
    for (double p : kPercentiles) {
      EXPECT_EQ(histogram.ValueAtPercentile(p), value) << p;
    }
    EXPECT_DOUBLE_EQ(histogram.mean(), value);
  }
}

TEST(HistogramTest, ClampsOutOfRangeValues) {
  LatencyHistogram histogram;
  histogram.Record(-5);
  histogram.Record(LatencyHistogram::kMaxMicros * 10);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), LatencyHistogram::kMaxMicros);
  EXPECT_EQ(histogram.ValueAtPercentile(100), LatencyHistogram::kMaxMicros);
}

TEST(HistogramTest, EmptyReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.ValueAtPercentile(99), 0);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_TRUE(histogram.NonEmptyBuckets().empty());
}

TEST(HistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(3);
  std::exponential_distribution<double> exponential(1.0 / 2000);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    auto v = static_cast<int64_t>(exponential(random));
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  LatencyHistogram empty;
  a.Merge(b);
  a.Merge(empty);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double p : kPercentiles) {
    EXPECT_EQ(a.ValueAtPercentile(p), all.ValueAtPercentile(p)) << p;
  }
  std::vector<LatencyHistogram::Bucket> merged = a.NonEmptyBuckets();
  std::vector<LatencyHistogram::Bucket> direct = all.NonEmptyBuckets();
  ASSERT_EQ(merged.size(), direct.size());
  for (size_t i = 0; i < merged.size(); ++i) {
    EXPECT_EQ(merged[i].low_us, direct[i].low_us);
    EXPECT_EQ(merged[i].count, direct[i].count);
  }
}

TEST(HistogramTest, MergeIntoEmptyKeepsMinimum) {
  LatencyHistogram empty, b;
  b.Record(500);
  empty.Merge(b);
  EXPECT_EQ(empty.min(), 500);
  EXPECT_EQ(empty.ValueAtPercentile(50), 500);
}

}  // namespace
}  // namespace wasp::load
