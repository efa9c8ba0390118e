// A latency histogram with log-spaced buckets and bounded memory, in the
// layout of HdrHistogram: values below 256 us are exact, above that each
// power of two is split into 128 buckets, so a bucket is at most 1/128
// (0.8%) wide relative to its values. It covers 0 us to 60 s in 2,560
// counters; larger values are clamped to 60 s.
#ifndef WASP_TOOLS_LOAD_HISTOGRAM_H_
#define WASP_TOOLS_LOAD_HISTOGRAM_H_

#include <array>
#include <cstdint>
#include <vector>

namespace wasp::load {

class LatencyHistogram final {
 public:
  static constexpr int64_t kMaxMicros = 60'000'000;

  struct Bucket {
    int64_t low_us;   // smallest value counted here
    int64_t high_us;  // largest value counted here
    uint64_t count;
  };

  // Counts one value (negative counts as 0, beyond kMaxMicros as kMaxMicros).
  void Record(int64_t micros);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const;
  // The smallest recorded-value bound v such that at least `percentile`% of
  // the values are <= v (to within one bucket); 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // The buckets that hold at least one value, in increasing order.
  std::vector<Bucket> NonEmptyBuckets() const;

  // Bucket geometry, public for the report's coarse view and for tests.
  static int IndexOf(int64_t micros);
  static int64_t LowOf(int index);
  static int64_t HighOf(int index);
  static constexpr int kBucketCount = 256 + 18 * 128;

 private:
  std::array<uint64_t, kBucketCount> counts_ = {};
  uint64_t count_ = 0;
  int64_t min_ = kMaxMicros;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_HISTOGRAM_H_
