// Whether a soak passed: pure functions over what it recorded.
//   - no unexpected error: no traffic kind had one, and neither server
//     counted an error it should not have;
//   - flat RSS and descriptors: the mean over the last minute within 5% of
//     the mean over the second minute (runs under 5 minutes: the last 20%
//     of the samples against 10%-30%, past the start-up);
//   - p99 without drift: the median p99 of the last quarter of the
//     keep-alive segments (at least 3) at most twice the median p99 of the
//     segments before them, or at most 1 ms above it. A trend (a leak that
//     slows every request, a queue that grows) lifts the whole last quarter;
//     one segment hit by a noisy neighbour does not fail the run, and the
//     floor keeps scheduler noise from failing a p99 of a few hundred us;
//   - the hostile server still answers a normal request at the end.
#ifndef WASP_TOOLS_SOAK_CRITERIA_H_
#define WASP_TOOLS_SOAK_CRITERIA_H_

#include <cstddef>
#include <string>
#include <vector>

#include "tools/soak/samples.h"

namespace wasp::soak {

struct Verdict {
  std::string criterion;
  bool passed = false;
  std::string detail;
};

// Samples [begin, end).
struct Window {
  size_t begin = 0;
  size_t end = 0;
};
struct FlatWindows {
  Window reference;
  Window last;
};

inline constexpr double kFlatTolerance = 0.05;
// From this many samples (one a second), minutes: the second and the last.
inline constexpr size_t kMinuteRuleSamples = 300;
// Fewer samples than this cannot be judged flat or not.
inline constexpr size_t kMinFlatSamples = 10;
inline constexpr double kDriftFactor = 2.0;
// The default noise floor of the drift rule (wasp-soak --p99_floor).
inline constexpr double kDriftFloorUs = 1000;
inline constexpr size_t kMinDriftSegments = 4;
inline constexpr size_t kMinLateSegments = 3;

FlatWindows ChooseFlatWindows(size_t samples);
double WindowMean(const std::vector<double>& series, Window window);

Verdict CheckFlat(const std::string& criterion,
                  const std::vector<double>& series);
// How many of `segments` form the last quarter the drift rule judges.
size_t LateSegments(size_t segments);
// `p99_us`: the keep-alive segments' p99, in order; `floor_us`: a rise this
// small is noise whatever the factor.
Verdict CheckP99Drift(const std::vector<double>& p99_us,
                      double floor_us = kDriftFloorUs);
Verdict CheckNoUnexpectedErrors(const AllCounts& counts,
                                const ServerSample& http,
                                const ServerSample& hostile);
Verdict CheckServersAlive(const ServerSample& http,
                          const ServerSample& hostile);

struct SoakRecord {
  std::vector<SoakSample> samples;  // one a second, while traffic ran
  SoakSample end;                   // after it stopped: the final counts
  std::vector<SegmentResult> segments;
  bool hostile_answers_at_end = false;
  std::string hostile_check;  // what the final request got
};

// Every criterion, in report order.
std::vector<Verdict> Evaluate(const SoakRecord& record,
                              double drift_floor_us = kDriftFloorUs);
bool AllPassed(const std::vector<Verdict>& verdicts);

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_CRITERIA_H_
