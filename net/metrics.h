// Per-worker counters, written by the worker's thread and read by the admin
// endpoint, rendered in Prometheus' text format.
#ifndef WASP_NET_METRICS_H_
#define WASP_NET_METRICS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace wasp {

struct WorkerMetrics {
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};  // past --max-connections
  std::atomic<uint64_t> accept_errors{0};        // out of descriptors or memory
  std::atomic<int64_t> connections_open{0};
  // Of the open ones: waiting for the client (holding no virtine), and
  // holding a virtine or sending a response.
  std::atomic<int64_t> connections_idle{0};
  std::atomic<int64_t> connections_active{0};
  // Connections with work waiting for a free virtine (or, for sessions held
  // per connection, waiting for a session).
  std::atomic<int64_t> connections_queued{0};
  std::atomic<uint64_t> requests_rejected{0};  // that queue was full
  // No virtine (or process) could be made for them: out of memory or fds.
  std::atomic<uint64_t> requests_unserved{0};
  std::atomic<uint64_t> runs{0};  // request-scoped runs
  std::atomic<int64_t> hibernated_bytes{0};
  std::atomic<uint64_t> hibernations{0};
  std::atomic<uint64_t> reset_failures{0};  // virtines discarded
  std::atomic<uint64_t> responses{0};       // runs with output, or sends
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> bytes_sent{0};
  std::atomic<uint64_t> exits{0};
  std::atomic<uint64_t> resets{0};
  std::atomic<uint64_t> guest_faults{0};
  std::atomic<uint64_t> budget_timeouts{0};
  std::atomic<int64_t> pool_in_use{0};
  std::atomic<int64_t> pool_capacity{0};
  std::atomic<int64_t> max_connections{0};
};

// The Prometheus exposition of every worker's counters.
std::string RenderMetrics(const std::vector<const WorkerMetrics*>& workers);

}  // namespace wasp

#endif  // WASP_NET_METRICS_H_
