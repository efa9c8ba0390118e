#include "tools/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace wasp::load {
namespace {

constexpr int kExactBuckets = 256;  // 0..255 us, one value each
constexpr int kHalf = 128;          // buckets per power of two above that

}  // namespace

int LatencyHistogram::IndexOf(int64_t micros) {
  micros = std::clamp<int64_t>(micros, 0, kMaxMicros);
  if (micros < kExactBuckets) return static_cast<int>(micros);
  // The shift that brings the value into [128, 255].
  int shift = std::bit_width(static_cast<uint64_t>(micros)) - 8;
  return kExactBuckets + (shift - 1) * kHalf +
         static_cast<int>((micros >> shift) - kHalf);
}

int64_t LatencyHistogram::LowOf(int index) {
  if (index < kExactBuckets) return index;
  int shift = (index - kExactBuckets) / kHalf + 1;
  int64_t sub = (index - kExactBuckets) % kHalf + kHalf;
  return sub << shift;
}

int64_t LatencyHistogram::HighOf(int index) {
  if (index < kExactBuckets) return index;
  int shift = (index - kExactBuckets) / kHalf + 1;
  return LowOf(index) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t micros) {
  micros = std::clamp<int64_t>(micros, 0, kMaxMicros);
  ++counts_[IndexOf(micros)];
  ++count_;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
  sum_ += static_cast<double>(micros);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  if (other.count_ > 0) {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  double fraction = std::clamp(percentile, 0.0, 100.0) / 100.0;
  auto rank =
      static_cast<uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(HighOf(i), min(), max_);
  }
  return max_;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::NonEmptyBuckets()
    const {
  std::vector<Bucket> buckets;
  for (int i = 0; i < kBucketCount; ++i) {
    if (counts_[i] > 0) buckets.push_back({LowOf(i), HighOf(i), counts_[i]});
  }
  return buckets;
}

}  // namespace wasp::load
