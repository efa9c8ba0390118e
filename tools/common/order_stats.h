// Order statistics of measured samples (cycles, microseconds), one copy for
// every tool that reports them.
#ifndef WASP_TOOLS_COMMON_ORDER_STATS_H_
#define WASP_TOOLS_COMMON_ORDER_STATS_H_

#include <cstdint>
#include <vector>

namespace wasp {

// The sample at `fraction` (0 to 1) of the sorted values, by nearest rank;
// 0 for no samples.
double Percentile(std::vector<uint64_t> values, double fraction);

// The middle sample, or the mean of the two middle ones for an even count;
// 0 for no samples.
double Median(std::vector<uint64_t> values);
double Median(std::vector<double> values);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_ORDER_STATS_H_
