// A worker: one thread pinned to a core, with its own io_uring and its own
// pool of sessions (virtines restored from that core's snapshot). It serves
// every connection the acceptor hands it: sessions run until they need I/O,
// the I/O goes to the ring, and a parked session costs nothing until its
// completion arrives. Connections beyond the pool wait in a bounded queue;
// beyond that they are refused at once.
#ifndef WASP_NET_WORKER_H_
#define WASP_NET_WORKER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "engine/unique_fd.h"
#include "net/accept.h"
#include "net/metrics.h"
#include "net/session.h"
#include "net/uring.h"

namespace wasp {

struct WorkerOptions {
  int index = 0;
  int cpu = -1;  // pin to this CPU; -1: do not pin
  size_t queue_limit = 1024;
  // How long a client may take to send a whole request (counted from the
  // connection's start or the last response) or to read a response.
  absl::Duration idle_timeout = absl::Seconds(30);
  // A fault before any response: answer `500 Internal Server Error`.
  bool http_errors = false;
  // A listening socket the worker accepts from itself (the only worker of a
  // server: nobody to balance, so no hand-off from another thread); -1:
  // connections arrive through Enqueue.
  int listener = -1;
};

using PoolFactory =
    std::function<absl::StatusOr<std::unique_ptr<SessionPool>>()>;

class Worker final {
 public:
  // Starts the thread; returns once its pool is ready (or failed to be).
  static absl::StatusOr<std::unique_ptr<Worker>> Start(WorkerOptions options,
                                                       PoolFactory make_pool);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Thread-safe: hands over an accepted connection.
  void Enqueue(UniqueFd socket);
  // Thread-safe: stop taking connections, finish the ones in progress and
  // close idle ones; cut off what remains at `deadline`. Returns at once.
  void Drain(absl::Time deadline);
  // Waits for the thread to end (after Drain).
  void Join();

  // Connections open or waiting here, for the acceptor's choice.
  int64_t load() const {
    return metrics_.connections_open.load(std::memory_order_relaxed) +
           metrics_.connections_queued.load(std::memory_order_relaxed);
  }
  const WorkerMetrics& metrics() const { return metrics_; }

 private:
  struct Slot;
  explicit Worker(WorkerOptions options);

  void Run(PoolFactory make_pool, absl::Status* ready,
           absl::Notification* started);
  void Loop();
  void Handle(const io_uring_cqe& cqe);
  void TakeInbox();
  void Accept(UniqueFd socket);
  void Assign(size_t index, UniqueFd socket);
  void Continue(size_t index, absl::StatusOr<IoRequest> request);
  void SubmitRecv(size_t index);
  void SubmitSend(size_t index);
  void SubmitWait(size_t index);
  void LinkTimeout(size_t index, io_uring_sqe* sqe, absl::Duration timeout);
  void OnFirstRecv(size_t index, int result);
  void OnRecv(size_t index, int result);
  void OnSend(size_t index, int result);
  void Finish(size_t index, const IoRequest& done);
  void StartDrain();
  void CutOff();
  bool Idle() const;

  const WorkerOptions options_;
  WorkerMetrics metrics_;
  std::thread thread_;

  // The inbox is the only state shared with other threads.
  absl::Mutex mu_;
  std::deque<UniqueFd> inbox_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> drain_deadline_ ABSL_GUARDED_BY(mu_);
  UniqueFd wake_;  // eventfd: the inbox has news

  // Owned by the worker thread.
  std::unique_ptr<Uring> ring_;
  std::unique_ptr<SessionPool> pool_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<size_t> free_slots_;
  std::deque<UniqueFd> waiting_;
  uint64_t wake_value_ = 0;
  bool draining_ = false;
  std::optional<MultishotAccept> accept_;  // from options_.listener
  absl::Time deadline_ = absl::InfiniteFuture();
};

}  // namespace wasp

#endif  // WASP_NET_WORKER_H_
