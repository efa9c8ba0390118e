// A worker: one thread pinned to a core, with its own io_uring, its own
// connections (up to --max-connections) and its own pool of what serves
// them. A connection is a socket and a few bytes of host state:
//   - request-scoped apps (HTTP, echo): while it waits for its client a
//     connection holds no virtine and no buffer; when enough has arrived a
//     handler (a virtine restored from the snapshot, or native code) is
//     lent to it for one run, answers, and goes back (worker_requests.cc);
//   - sessions (connection-scoped apps, process isolation): a connection
//     holds its session while it has one; a virtine session hibernates
//     while its client is silent (worker_sessions.cc).
// Work that finds no free handler waits in a bounded queue.
#ifndef WASP_NET_WORKER_H_
#define WASP_NET_WORKER_H_

#include <sys/uio.h>

#include <atomic>
#include <deque>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"
#include "base/uring.h"
#include "net/accept.h"
#include "net/access_log.h"
#include "net/metrics.h"
#include "net/request_handler.h"
#include "net/request_input.h"
#include "net/session.h"

namespace wasp {

struct WorkerOptions {
  int index = 0;
  int cpu = -1;  // pin to this CPU; -1: do not pin
  // Connections open at once; past it new ones are closed at once.
  size_t max_connections = 10000;
  // Connections whose work waits for a free handler (or session); past it
  // a request is refused (HTTP: 503) and its connection closed.
  size_t queue_limit = 1024;
  // How long a client may take to send a whole request (counted from the
  // connection's start or the last response) or to read a response; an
  // idle keep-alive connection is closed after it.
  absl::Duration idle_timeout = absl::Seconds(30);
  // Failures are answered with HTTP statuses (500 on a fault before any
  // response, 503 when the queue is full).
  bool http_errors = false;
  // Where the access log goes (not owned); -1: no access log.
  int access_log = -1;
  // A listening socket the worker accepts from itself (the only worker of a
  // server: nobody to balance, so no hand-off from another thread); -1:
  // connections arrive through Enqueue.
  int listener = -1;
};

// What serves a worker's connections: exactly one of the two.
struct ServingPool {
  std::unique_ptr<RequestHandlerPool> handlers;
  std::unique_ptr<SessionPool> sessions;
};

using PoolFactory = std::function<absl::StatusOr<ServingPool>()>;

enum Tag : uint8_t;  // a completion's kind (worker_connection.h)

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
    return metrics_.connections_open.load(std::memory_order_relaxed);
  }
  const WorkerMetrics& metrics() const { return metrics_; }
  // An accept for this worker failed (any thread: the acceptor's too).
  void CountAcceptError() { ++metrics_.accept_errors; }

 private:
  struct Connection;
  struct SessionSlot;
  enum class State : uint8_t;
  explicit Worker(WorkerOptions options);

  void Run(PoolFactory make_pool, absl::Status* ready, std::latch* started);
  void Loop();
  void Handle(const io_uring_cqe& cqe);
  void TakeInbox();
  void Accept(UniqueFd socket);
  void SetState(Connection& c, State state);
  void Close(size_t index);
  void LinkTimeout(size_t index, io_uring_sqe* sqe, absl::Duration timeout);
  void StartDrain();
  void CutOff();
  void Enqueue(size_t index);
  std::optional<size_t> NextQueued();
  void ExpireQueued();
  bool Idle() const { return metrics_.connections_open.load() == 0; }

  // Request-scoped connections (worker_requests.cc).
  // Waits for the client's next bytes (or the deadline); `tag` names who
  // handles them: kTagReadable (requests) or kTagSessionReadable (sessions).
  void ArmPoll(size_t index, Tag tag);
  void OnReadable(size_t index, int result);
  void ReadInput(size_t index);
  void Dispatch(size_t index);
  void RunRequests(size_t index, RequestHandler* handler);
  void SendOutput(size_t index, RequestHandler* handler,
                  const std::vector<iovec>& output);
  void SubmitOutput(size_t index);
  void OnOutputSent(size_t index, int result);
  void AfterOutput(size_t index);
  void ReleaseHandler(RequestHandler* handler);
  void DispatchQueued();
  void Refuse(size_t index, const char* response);

  // Sessions (worker_sessions.cc).
  void OpenSession(size_t index);
  void OnSessionReadable(size_t index, int result);
  void WantSession(size_t index);
  void Bind(size_t index);
  void Assign(size_t index);
  void Hibernate(size_t index);
  void SubmitRingRecv(size_t index);
  void Continue(size_t index, absl::StatusOr<IoRequest> request);
  void SubmitRecv(size_t index);
  void SubmitSend(size_t index);
  void SubmitWait(size_t index);
  void OnRecv(size_t index, int result);
  void OnSend(size_t index, int result);
  void Finish(size_t index, const IoRequest& done);
  void ReleaseSession(SessionSlot& slot);
  void AssignQueuedSessions();

  const WorkerOptions options_;
  WorkerMetrics metrics_;
  std::thread thread_;

  // The inbox is the only state shared with other threads. std::mutex, not
  // absl::Mutex: ThreadSanitizer sees its synchronisation.
  std::mutex mu_;
  std::deque<UniqueFd> inbox_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> drain_deadline_ ABSL_GUARDED_BY(mu_);
  UniqueFd wake_;  // eventfd: the inbox has news

  // Owned by the worker thread.
  std::unique_ptr<Uring> ring_;
  std::unique_ptr<RequestHandlerPool> handlers_;
  std::unique_ptr<SessionPool> sessions_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<size_t> free_connections_;
  // Connections waiting for a handler or session, oldest first, with the
  // generation they had when they queued.
  std::deque<std::pair<size_t, uint32_t>> queue_;
  std::vector<uint8_t> scratch_;  // receives land here first
  uint64_t wake_value_ = 0;
  bool draining_ = false;
  std::optional<MultishotAccept> accept_;  // from options_.listener
  std::optional<AccessLog> access_log_;
  absl::Time deadline_ = absl::InfiniteFuture();
};

}  // namespace wasp

#endif  // WASP_NET_WORKER_H_
