#include "net/worker.h"

#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <latch>
#include <mutex>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "net/event_log.h"
#include "net/worker_connection.h"

namespace wasp {
namespace {

// Enough for every pending operation of a burst; io_uring keeps
// completions beyond the ring (IORING_FEAT_NODROP).
constexpr unsigned kRingEntries = 4096;
constexpr absl::Duration kTick = absl::Milliseconds(100);

void PinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

__kernel_timespec KernelTimespec(absl::Duration duration) {
  timespec ts = absl::ToTimespec(duration);
  return {.tv_sec = ts.tv_sec, .tv_nsec = ts.tv_nsec};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Worker>> Worker::Start(WorkerOptions options,
                                                      PoolFactory make_pool) {
  if (options.max_connections == 0 ||
      options.max_connections > kMaxConnectionsPerWorker) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_connections must be between 1 and %d, not %d",
                        kMaxConnectionsPerWorker, options.max_connections));
  }
  auto worker = std::unique_ptr<Worker>(new Worker(options));
  worker->wake_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!worker->wake_.valid()) return ErrnoError("eventfd", errno);
  absl::Status ready;
  std::latch started(1);
  worker->thread_ = std::thread(&Worker::Run, worker.get(),
                                std::move(make_pool), &ready, &started);
  started.wait();
  if (!ready.ok()) {
    worker->thread_.join();
    return ready;
  }
  return worker;
}

Worker::Worker(WorkerOptions options) : options_(options) {}

Worker::~Worker() {
  if (thread_.joinable()) {
    Drain(absl::Now());
    Join();
  }
}

void Worker::Run(PoolFactory make_pool, absl::Status* ready,
                 std::latch* started) {
  if (options_.cpu >= 0) PinToCpu(options_.cpu);
  // The pool is made here so that its memory and vCPUs belong to this core.
  absl::StatusOr<ServingPool> pool = make_pool();
  // What the worker submits; TIMEOUT for liburing's wait on kernels
  // without IORING_FEAT_EXT_ARG.
  absl::StatusOr<std::unique_ptr<Uring>> ring = Uring::Create(
      {.entries = kRingEntries,
       .allowed = {IORING_OP_READ, IORING_OP_ACCEPT, IORING_OP_POLL_ADD,
                   IORING_OP_RECV, IORING_OP_SEND, IORING_OP_LINK_TIMEOUT,
                   IORING_OP_TIMEOUT}});
  *ready = !pool.ok() ? pool.status() : ring.status();
  if (ready->ok() &&
      (pool->handlers == nullptr) == (pool->sessions == nullptr)) {
    *ready = absl::InvalidArgumentError(
        "a worker's pool must have either request handlers or sessions");
  }
  if (!ready->ok()) {
    started->count_down();
    return;
  }
  handlers_ = std::move(pool->handlers);
  sessions_ = std::move(pool->sessions);
  ring_ = std::move(*ring);
  if (handlers_) scratch_.resize(handlers_->input_capacity());
  if (options_.access_log >= 0) access_log_.emplace(options_.access_log);
  metrics_.pool_capacity = static_cast<int64_t>(
      handlers_ ? handlers_->capacity() : sessions_->capacity());
  metrics_.max_connections = static_cast<int64_t>(options_.max_connections);
  started->count_down();
  Loop();
  // Sessions go back before the pool (and its virtines) are destroyed.
  for (auto& c : connections_) {
    if (c->slot && c->slot->session) ReleaseSession(*c->slot);
  }
  sessions_.reset();
  handlers_.reset();
  access_log_.reset();  // writes what is left
}

void Worker::Loop() {
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_read(sqe, wake_.get(), &wake_value_, sizeof wake_value_, 0);
  io_uring_sqe_set_data64(sqe, kTagWake);
  if (options_.listener >= 0) {
    accept_.emplace(options_.listener, kTagAccept);
    accept_->Arm(*ring_);
  }
  for (;;) {
    absl::Status status = ring_->SubmitAndWait(kTick);
    if (!status.ok()) LogEvent(status.ToString());
    ring_->ForEachCompletion([this](const io_uring_cqe& cqe) { Handle(cqe); });
    TakeInbox();
    if (handlers_) {
      DispatchQueued();
    } else {
      AssignQueuedSessions();
    }
    ExpireQueued();
    if (access_log_) access_log_->Flush(absl::Now());
    if (accept_ && !draining_) accept_->RearmIfDue(*ring_);
    if (draining_) {
      if (absl::Now() >= deadline_) CutOff();
      if (Idle()) return;
    }
  }
}

void Worker::Enqueue(UniqueFd socket) {
  {
    std::lock_guard lock(mu_);
    inbox_.push_back(std::move(socket));
  }
  uint64_t one = 1;
  (void)::write(wake_.get(), &one, sizeof one);
}

void Worker::Drain(absl::Time deadline) {
  {
    std::lock_guard lock(mu_);
    drain_deadline_ = deadline;
  }
  uint64_t one = 1;
  (void)::write(wake_.get(), &one, sizeof one);
}

void Worker::Join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::TakeInbox() {
  std::deque<UniqueFd> inbox;
  std::optional<absl::Time> drain;
  {
    std::lock_guard lock(mu_);
    inbox.swap(inbox_);
    drain = drain_deadline_;
  }
  for (UniqueFd& socket : inbox) Accept(std::move(socket));
  if (drain && !draining_) {
    deadline_ = *drain;
    StartDrain();
  }
}

void Worker::Accept(UniqueFd socket) {
  ++metrics_.connections_total;
  if (draining_) return;  // closed: the server is stopping
  if (static_cast<size_t>(metrics_.connections_open.load()) >=
      options_.max_connections) {
    ++metrics_.connections_refused;  // closing it tells the client at once
    return;
  }
  size_t index;
  if (!free_connections_.empty()) {
    index = free_connections_.back();
    free_connections_.pop_back();
  } else {
    index = connections_.size();
    connections_.push_back(std::make_unique<Connection>());
  }
  Connection& c = *connections_[index];
  c.socket = std::move(socket);
  c.deadline = absl::Now() + options_.idle_timeout;
  if (access_log_) c.peer = PeerAddress(c.socket.get());
  ++metrics_.connections_open;
  if (handlers_) {
    SetState(c, State::kReading);
    return ArmPoll(index, kTagReadable);
  }
  OpenSession(index);
}

// Every state change goes through here, so the gauges cannot drift.
void Worker::SetState(Connection& c, State state) {
  auto gauge = [this](State s) -> std::atomic<int64_t>* {
    switch (s) {
      case State::kReading:
        return &metrics_.connections_idle;
      case State::kQueued:
        return &metrics_.connections_queued;
      case State::kRunning:
      case State::kSending:
      case State::kSession:
        return &metrics_.connections_active;
      case State::kFree:
        return nullptr;
    }
    return nullptr;
  };
  if (auto* old = gauge(c.state)) --*old;
  if (auto* now = gauge(state)) ++*now;
  c.state = state;
}

void Worker::Close(size_t index) {
  Connection& c = *connections_[index];
  if (c.slot && c.slot->session) ReleaseSession(*c.slot);
  SetState(c, State::kFree);
  ++c.generation;
  c.socket.reset();
  c.input = PendingInput();
  c.input_flags = 0;
  c.close_after_output = false;
  c.answered = false;
  std::string().swap(c.peer);
  std::vector<iovec>().swap(c.unsent);
  std::string().swap(c.copied);
  c.slot.reset();
  --metrics_.connections_open;
  free_connections_.push_back(index);
}

void Worker::Handle(const io_uring_cqe& cqe) {
  uint64_t data = io_uring_cqe_get_data64(&cqe);
  const UserData unpacked = UnpackUserData(data);
  const Tag tag = static_cast<Tag>(unpacked.tag);
  if (tag == kTagAccept) {
    absl::StatusOr<UniqueFd> socket = accept_->Complete(*ring_, cqe, draining_);
    if (!socket.ok()) {
      CountAcceptError();
      LogEvent(absl::StrFormat("worker %d: %s", options_.index,
                               socket.status().ToString()));
    } else if (socket->valid()) {
      Accept(*std::move(socket));
    }
    return;
  }
  if (tag == kTagWake) {
    io_uring_sqe* sqe = ring_->Sqe();
    io_uring_prep_read(sqe, wake_.get(), &wake_value_, sizeof wake_value_, 0);
    io_uring_sqe_set_data64(sqe, kTagWake);
    return;
  }
  size_t index = unpacked.slot;
  if (tag == kTagTimeout || index >= connections_.size()) return;
  Connection& c = *connections_[index];
  if (c.state == State::kFree || c.generation != unpacked.generation) return;
  switch (tag) {
    case kTagReadable:
      return OnReadable(index, cqe.res);
    case kTagOutput:
      return OnOutputSent(index, cqe.res);
    case kTagSessionReadable:
      return OnSessionReadable(index, cqe.res);
    case kTagRecv:
      return OnRecv(index, cqe.res);
    case kTagSend:
      return OnSend(index, cqe.res);
    case kTagWait:
      return Continue(index, c.slot->session->Resume(0));
    default:
      return;
  }
}

// A client too slow to send or to read is cut off: the operation `sqe`
// completes with -ECANCELED after `timeout`.
void Worker::LinkTimeout(size_t index, io_uring_sqe* sqe,
                         absl::Duration timeout) {
  Connection& c = *connections_[index];
  sqe->flags |= IOSQE_IO_LINK;
  c.timeout = KernelTimespec(std::max(timeout, absl::Milliseconds(1)));
  io_uring_sqe* link = ring_->Sqe();
  io_uring_prep_link_timeout(link, &c.timeout, 0);
  io_uring_sqe_set_data64(link, Pack(kTagTimeout, index, c.generation));
}

// No handler or session is free: the connection waits in the bounded queue,
// or is told the server is busy when the queue is full.
void Worker::Enqueue(size_t index) {
  if (queue_.size() >= options_.queue_limit) {
    ++metrics_.requests_rejected;
    return Refuse(index, kBusy);
  }
  Connection& c = *connections_[index];
  SetState(c, State::kQueued);
  // It waits for us now, not for its client: up to an idle timeout more.
  c.deadline = absl::Now() + options_.idle_timeout;
  queue_.emplace_back(index, c.generation);
}

// The oldest connection still waiting, taken off the queue; entries of
// connections closed (or reused) since they queued are dropped on the way.
std::optional<size_t> Worker::NextQueued() {
  while (!queue_.empty()) {
    auto [index, generation] = queue_.front();
    queue_.pop_front();
    const Connection& c = *connections_[index];
    if (c.state == State::kQueued && c.generation == generation) return index;
  }
  return std::nullopt;
}

// Queued work waits at most the idle timeout: then its client is told the
// server is busy instead of being left hanging.
void Worker::ExpireQueued() {
  absl::Time now = absl::Now();
  while (!queue_.empty()) {
    auto [index, generation] = queue_.front();
    Connection& c = *connections_[index];
    if (c.state == State::kQueued && c.generation == generation &&
        c.deadline > now) {
      return;
    }
    queue_.pop_front();
    if (c.state == State::kQueued && c.generation == generation) {
      ++metrics_.requests_rejected;
      Refuse(index, kBusy);
    }
  }
}

// Queued connections are closed. Every connection sees the end of the
// stream at its next receive: an idle one ends now, one in the middle of a
// response finishes sending it first.
void Worker::StartDrain() {
  draining_ = true;
  while (std::optional<size_t> index = NextQueued()) Close(*index);
  for (auto& c : connections_) {
    if (c->state != State::kFree) ::shutdown(c->socket.get(), SHUT_RD);
  }
}

void Worker::CutOff() {
  for (auto& c : connections_) {
    if (c->state != State::kFree) ::shutdown(c->socket.get(), SHUT_RDWR);
  }
}

// Answers `response` (HTTP only; echo just closes) and closes.
void Worker::Refuse(size_t index, const char* response) {
  Connection& c = *connections_[index];
  if (options_.http_errors) {
    (void)::send(c.socket.get(), response, std::strlen(response),
                 MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  Close(index);
}

}  // namespace wasp
