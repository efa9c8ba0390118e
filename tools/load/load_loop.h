// One load thread: its connections, driven by one io_uring, in a closed loop
// (a connection sends its next request when a response completes) or an
// open loop at a fixed rate (see pacer.h). The loop is: submit and wait,
// handle the batch of completions, wake the connections whose time came,
// fail those whose deadline passed, start the connects whose turn came.
// Nothing in it scans every connection, so one thread drives 10,000+.
#ifndef WASP_TOOLS_LOAD_LOAD_LOOP_H_
#define WASP_TOOLS_LOAD_LOAD_LOOP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/uring.h"
#include "tools/load/connect_queue.h"
#include "tools/load/connection_timers.h"
#include "tools/load/load_stats.h"
#include "tools/load/target.h"

namespace wasp::load {

// CLOCK_MONOTONIC in nanoseconds: the clock of every time in a plan.
int64_t MonotonicNowNs();

struct LoadPlan {
  SocketAddress address;
  Protocol protocol = Protocol::kHttp;
  // One request: the HTTP request bytes, or the echo payload.
  std::string request;
  bool head_requests = false;
  // The status that counts as answered; 0: any 2xx.
  int expect_status = 0;
  int connections = 1;       // this thread's
  int first_connection = 0;  // global index of this thread's first one
  int total_connections = 1;
  int pipeline = 1;  // requests in flight per connection (keep-alive only)
  bool keepalive = true;
  double rate = 0;  // requests/s over all threads; 0: closed loop
  int64_t start_ns = 0;
  int64_t measure_start_ns = 0;  // requests intended before are not counted
  int64_t end_ns = 0;            // no new requests after; 0: use `requests`
  uint64_t requests = 0;         // counted requests of this thread
  int64_t timeout_ns = 5'000'000'000;
  int max_connecting = 1024;  // this thread's connects in flight at once
  int cpu = -1;               // pin the thread there; -1: do not pin
};

struct Connection;

class LoadLoop final {
 public:
  // Pins the calling thread and sets up its ring: call on the thread that
  // will Run().
  static absl::StatusOr<std::unique_ptr<LoadLoop>> Create(LoadPlan plan);
  ~LoadLoop();
  LoadLoop(const LoadLoop&) = delete;
  LoadLoop& operator=(const LoadLoop&) = delete;

  // Runs the plan to its end, then closes every connection.
  absl::Status Run();
  const LoadStats& stats() const { return stats_; }

  // For a progress line from another thread.
  uint64_t answered_so_far() const {
    return answered_so_far_.load(std::memory_order_relaxed);
  }
  uint64_t errors_so_far() const {
    return errors_so_far_.load(std::memory_order_relaxed);
  }

 private:
  enum class Op : uint8_t { kConnect = 1, kSend, kRecv, kCancel };

  explicit LoadLoop(LoadPlan plan);
  uint64_t UserData(Op op, const Connection& c) const;
  void OnCompletion(const io_uring_cqe& cqe);

  // Issues what the schedule allows, then connects, sends or receives.
  void Pump(Connection& c);
  void Issue(Connection& c);
  // Connects now, or queues the connection for its turn.
  void StartConnect(Connection& c);
  void Connect(Connection& c);
  void StartWaitingConnects();
  void StartSend(Connection& c);
  void StartRecv(Connection& c);
  void OnConnect(Connection& c, int res);
  void ConnectFailed(Connection& c, ConnectionError why, int err);
  void OnSend(Connection& c, int res);
  void OnRecv(Connection& c, int res);
  void OnHttpBytes(Connection& c, const char* data, size_t size);
  void OnEchoBytes(Connection& c, size_t size);
  void OnEndOfStream(Connection& c);
  // The oldest request in flight got its response.
  void Complete(Connection& c, int status);
  // Every request in flight ends with `kind`; the connection closes.
  void Fail(Connection& c, ErrorKind kind);
  void CountConnectionError(ConnectionError why, int err);
  void Close(Connection& c);
  void OnClosed(Connection& c);
  void Wake(Connection& c, int64_t at_ns);
  void RunDueWakes();
  // When the connect or the oldest request times out; 0: nothing to time.
  int64_t DeadlineNs(const Connection& c) const;
  void ArmDeadline(Connection& c);
  void RunDueDeadlines();
  bool Finished() const;
  int64_t NextDeadlineNs() const;
  absl::Status CloseAll();

  const LoadPlan plan_;
  std::string batch_;  // `pipeline` copies of the request, sent as a prefix
  LoadStats stats_;
  std::vector<std::unique_ptr<Connection>> connections_;
  // Declared after the connections, so that it goes first: its exit waits
  // for operations on their buffers.
  std::unique_ptr<Uring> ring_;
  ConnectQueue connect_queue_;
  ConnectionTimers wakes_;      // when to Pump a connection again
  ConnectionTimers deadlines_;  // when its connect or request times out
  int64_t now_ns_ = 0;
  uint64_t counted_issued_ = 0;
  uint64_t requests_in_flight_ = 0;  // over every connection
  uint64_t ops_in_ring_ = 0;         // connects, sends and receives
  uint64_t open_ = 0;                // connections open now
  bool stopping_ = false;
  std::atomic<uint64_t> answered_so_far_{0};
  std::atomic<uint64_t> errors_so_far_{0};
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_LOAD_LOOP_H_
