// What one load thread measured, and how to add threads up. Every request
// that is sent ends in exactly one outcome: answered (a complete 2xx
// response, or the whole echo) or one error kind, so sent == answered +
// errors once the run is over. Connections are counted apart: how many
// opened, and why those that failed ended.
#ifndef WASP_TOOLS_LOAD_LOAD_STATS_H_
#define WASP_TOOLS_LOAD_LOAD_STATS_H_

#include <algorithm>
#include <array>
#include <cerrno>
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

// Why a connection ended in an error. Counted once per connection, whatever
// it had in flight, over the whole run (warmup included): connect storms
// happen at the start.
enum class ConnectionError {
  kConnectRefused,  // ECONNREFUSED: nothing listens, or the backlog is full
  kConnectTimeout,  // no connection within --timeout (or ETIMEDOUT)
  kReset,           // ECONNRESET or EPIPE on a send or receive
  kClosed,          // the server closed with requests still unanswered
  kReadTimeout,     // no complete response within --timeout
  kOther,           // any other errno (see last_other_errno)
  kCount,
};

constexpr absl::string_view ConnectionErrorName(ConnectionError kind) {
  constexpr absl::string_view kNames[] = {"connect_refused", "connect_timeout",
                                          "reset",           "closed",
                                          "read_timeout",    "other"};
  return kNames[static_cast<int>(kind)];
}

// What a failed connect's errno says.
constexpr ConnectionError ConnectErrorFor(int err) {
  switch (err) {
    case ECONNREFUSED:
      return ConnectionError::kConnectRefused;
    case ETIMEDOUT:
      return ConnectionError::kConnectTimeout;
    case ECONNRESET:
      return ConnectionError::kReset;
    default:
      return ConnectionError::kOther;
  }
}

// What a failed send's or receive's errno says. EPIPE: the peer reset the
// connection after closing its side.
constexpr ConnectionError TransferErrorFor(int err) {
  return err == ECONNRESET || err == EPIPE ? ConnectionError::kReset
                                           : ConnectionError::kOther;
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
  // Connections that opened at least once, successful connects (reopens
  // included), and the most open at once (a sum of each thread's peak).
  uint64_t connected = 0;
  uint64_t connects = 0;
  uint64_t peak_open = 0;
  std::array<uint64_t, static_cast<int>(ConnectionError::kCount)>
      connection_errors = {};
  int last_other_errno = 0;  // of the latest ConnectionError::kOther

  uint64_t error_total() const { return Sum(errors); }
  uint64_t& error(ErrorKind kind) { return errors[static_cast<int>(kind)]; }
  uint64_t connection_error_total() const { return Sum(connection_errors); }
  uint64_t& connection_error(ConnectionError kind) {
    return connection_errors[static_cast<int>(kind)];
  }

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
    connected += other.connected;
    connects += other.connects;
    peak_open += other.peak_open;
    for (size_t i = 0; i < connection_errors.size(); ++i) {
      connection_errors[i] += other.connection_errors[i];
    }
    if (other.last_other_errno != 0) last_other_errno = other.last_other_errno;
  }

 private:
  template <size_t N>
  static uint64_t Sum(const std::array<uint64_t, N>& counts) {
    uint64_t total = 0;
    for (uint64_t count : counts) total += count;
    return total;
  }
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_LOAD_STATS_H_
