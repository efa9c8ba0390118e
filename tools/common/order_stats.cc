#include "tools/common/order_stats.h"

#include <algorithm>

namespace wasp {

double Percentile(std::vector<uint64_t> values, double fraction) {
  if (values.empty()) return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  size_t rank = static_cast<size_t>(fraction * (values.size() - 1) + 0.5);
  std::nth_element(values.begin(), values.begin() + rank, values.end());
  return static_cast<double>(values[rank]);
}

namespace {

template <typename T>
double MedianOf(std::vector<T>& values) {
  if (values.empty()) return 0;
  size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  double upper = static_cast<double>(values[middle]);
  if (values.size() % 2 == 1) return upper;
  double lower = static_cast<double>(
      *std::max_element(values.begin(), values.begin() + middle));
  return (lower + upper) / 2;
}

}  // namespace

double Median(std::vector<uint64_t> values) { return MedianOf(values); }
double Median(std::vector<double> values) { return MedianOf(values); }

}  // namespace wasp
