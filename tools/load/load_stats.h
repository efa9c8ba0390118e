// What one load thread measured, and how to add threads up. Every request
// that is sent ends in exactly one outcome: answered (a complete 2xx
// response, or the whole echo) or one error kind, so sent == answered +
// errors once the run is over.
#ifndef WASP_TOOLS_LOAD_LOAD_STATS_H_
#define WASP_TOOLS_LOAD_LOAD_STATS_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "tools/load/histogram.h"

namespace wasp::load {

enum class ErrorKind {
  kConnect,    // the connection for the request could not be opened
  kTimeout,    // no complete response within --timeout
  kReset,      // a send or receive failed (reset, broken pipe, ...)
  kBadStatus,  // a complete response that is not 2xx
  kShortRead,  // the stream ended before the response did
  kMalformed,  // bytes that are not a response (or more echo than sent)
  kCount,
};

constexpr absl::string_view ErrorKindName(ErrorKind kind) {
  constexpr absl::string_view kNames[] = {
      "connect", "timeout", "reset", "bad_status", "short_read", "malformed"};
  return kNames[static_cast<int>(kind)];
}

struct LoadStats {
  uint64_t sent = 0;
  uint64_t answered = 0;
  std::array<uint64_t, static_cast<int>(ErrorKind::kCount)> errors = {};
  // Complete responses by status class: [1] 1xx ... [5] 5xx, [0] other.
  std::array<uint64_t, 6> status_classes = {};
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  // Open loop: sends more than 1 ms after their intended time, and the
  // largest delay.
  uint64_t late_sends = 0;
  int64_t max_send_lag_ns = 0;
  // Open loop: requests due before the end that never went out because
  // their connection was still waiting for earlier responses.
  uint64_t backlog_at_end = 0;
  // When the last counted request ended (for --requests runs).
  int64_t last_done_ns = 0;
  LatencyHistogram latency;

  uint64_t error_total() const {
    uint64_t total = 0;
    for (uint64_t count : errors) total += count;
    return total;
  }
  uint64_t& error(ErrorKind kind) { return errors[static_cast<int>(kind)]; }

  void Merge(const LoadStats& other) {
    sent += other.sent;
    answered += other.answered;
    for (size_t i = 0; i < errors.size(); ++i) errors[i] += other.errors[i];
    for (size_t i = 0; i < status_classes.size(); ++i) {
      status_classes[i] += other.status_classes[i];
    }
    bytes_sent += other.bytes_sent;
    bytes_received += other.bytes_received;
    late_sends += other.late_sends;
    backlog_at_end += other.backlog_at_end;
    max_send_lag_ns = std::max(max_send_lag_ns, other.max_send_lag_ns);
    last_done_ns = std::max(last_done_ns, other.last_done_ns);
    latency.Merge(other.latency);
  }
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_LOAD_STATS_H_
