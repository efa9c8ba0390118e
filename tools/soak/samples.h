// What a soak records: a row a second (each server's memory, descriptors and
// metrics, and the traffic counts) and one result per wasp-load segment.
#ifndef WASP_TOOLS_SOAK_SAMPLES_H_
#define WASP_TOOLS_SOAK_SAMPLES_H_

#include <cstdint>
#include <string>

#include "tools/soak/traffic.h"

namespace wasp::soak {

struct ServerSample {
  bool alive = false;  // its /proc entry and /metrics answered
  uint64_t rss_kib = 0;
  uint64_t fds = 0;
  // From /metrics, summed over workers.
  uint64_t pool_in_use = 0;
  uint64_t connections_open = 0;
  uint64_t guest_faults = 0;
  uint64_t budget_timeouts = 0;
  uint64_t reset_failures = 0;
  uint64_t requests_rejected = 0;
  uint64_t connections_refused = 0;
};

// One table names every field: its CSV column, its metric family (none for
// /proc), and whether a non-zero value is an error on each server (the
// hostile app faults and loops on purpose).
struct ServerField {
  const char* column;
  const char* metric;
  uint64_t ServerSample::*member;
  bool error_on_http;
  bool error_on_hostile;
};
inline constexpr ServerField kServerFields[] = {
    {"rss_kib", nullptr, &ServerSample::rss_kib, false, false},
    {"fds", nullptr, &ServerSample::fds, false, false},
    {"pool_in_use", "wasp_pool_in_use", &ServerSample::pool_in_use, false,
     false},
    {"connections_open", "wasp_connections_open",
     &ServerSample::connections_open, false, false},
    {"guest_faults", "wasp_guest_faults_total", &ServerSample::guest_faults,
     true, false},
    {"budget_timeouts", "wasp_budget_timeouts_total",
     &ServerSample::budget_timeouts, true, false},
    {"reset_failures", "wasp_reset_failures_total",
     &ServerSample::reset_failures, true, true},
    {"requests_rejected", "wasp_requests_rejected_total",
     &ServerSample::requests_rejected, true, true},
    {"connections_refused", "wasp_connections_refused_total",
     &ServerSample::connections_refused, true, true},
};

struct SoakSample {
  double t_s = 0;  // since the mixed traffic started
  ServerSample http;
  ServerSample hostile;
  AllCounts counts{};  // cumulative; wasp-load kinds as their segments end
};

// One wasp-load child's run over one segment.
struct SegmentResult {
  int index = 0;
  TrafficKind kind = TrafficKind::kKeepAlive;
  double start_s = 0;  // since the mixed traffic started
  double seconds = 0;
  double rate = 0;        // asked for, requests/s
  uint64_t requests = 0;  // answered
  double rps = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
  uint64_t errors = 0;             // requests that failed
  uint64_t connection_errors = 0;  // connections that ended in an error
  std::string failure;             // wasp-load did not run; empty if it did
};

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_SAMPLES_H_
