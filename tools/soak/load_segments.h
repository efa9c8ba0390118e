// The wasp-load children of a soak: the maximum keep-alive rate first, then
// consecutive segments in which each load kind runs for the segment's
// length, so that every segment has its own p50 and p99.
#ifndef WASP_TOOLS_SOAK_LOAD_SEGMENTS_H_
#define WASP_TOOLS_SOAK_LOAD_SEGMENTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/soak/samples.h"
#include "tools/soak/traffic.h"

namespace wasp::soak {

// The numbers of a wasp-load --json report (index, kind, start and rate are
// the caller's to set).
SegmentResult ParseLoadReport(const std::string& json);

// Adds a segment's requests to its kind: answered ones ok, failed requests
// and connections ended in an error unexpected.
void CountSegment(const SegmentResult& segment, TrafficCounters& counters);

// One wasp-load child per segment.
struct LoadKind {
  TrafficKind kind = TrafficKind::kKeepAlive;
  std::string url;
  double rate = 0;                 // --rate, requests/s
  std::vector<std::string> flags;  // --connections, --keepalive, ...
};

class LoadRunner final {
 public:
  // `cpu`: where the children run (-1: anywhere); their output in `dir`.
  LoadRunner(std::string wasp_load, int cpu, std::string dir)
      : wasp_load_(std::move(wasp_load)), cpu_(cpu), dir_(std::move(dir)) {}

  // Requests/s over `connections` keep-alive connections, closed loop, for
  // `probe` after a second of warm-up.
  absl::StatusOr<double> MaxRate(const std::string& url, int connections,
                                 absl::Duration probe);
  // Every kind at once for `length`: a result each, with `failure` set when
  // its wasp-load did not run or report.
  std::vector<SegmentResult> RunSegment(int index, double start_s,
                                        absl::Duration length,
                                        const std::vector<LoadKind>& kinds);

 private:
  std::vector<std::string> Command(const LoadKind& kind,
                                   absl::Duration length) const;

  const std::string wasp_load_;
  const int cpu_;
  const std::string dir_;
};

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_LOAD_SEGMENTS_H_
