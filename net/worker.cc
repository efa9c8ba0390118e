#include "net/worker.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "engine/status_macros.h"
#include "guest/abi/hypercall.h"
#include "net/event_log.h"

namespace wasp {
namespace {

// user_data: tag (8 bits) | slot (24 bits) | generation (32 bits), so that a
// completion that arrives after its connection ended reaches nobody.
enum Tag : uint64_t {
  kTagWake = 1,
  kTagAccept,
  kTagFirstRecv,
  kTagRecv,
  kTagSend,
  kTagWait,
  kTagTimeout,
};

uint64_t Pack(Tag tag, size_t slot, uint32_t generation) {
  return tag | (uint64_t{slot} << 8) | (uint64_t{generation} << 32);
}
Tag TagOf(uint64_t data) { return static_cast<Tag>(data & 0xFF); }
size_t SlotOf(uint64_t data) { return (data >> 8) & 0xFFFFFF; }
uint32_t GenerationOf(uint64_t data) { return data >> 32; }

constexpr unsigned kRingEntries = 1024;
constexpr int kTickMs = 100;

// What the guest sees of a failed receive.
int64_t RecvResult(int result) {
  if (result >= 0) return result;
  if (result == -ECANCELED) return -WASP_ETIMEDOUT;  // the linked timeout
  if (result == -ECONNRESET) return -WASP_ECONNRESET;
  return -WASP_EPIPE;
}

constexpr char kInternalError[] =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
    "Connection: close\r\n\r\n";

__kernel_timespec KernelTimespec(absl::Duration duration) {
  timespec ts = absl::ToTimespec(duration);
  return {.tv_sec = ts.tv_sec, .tv_nsec = ts.tv_nsec};
}

void PinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

}  // namespace

struct Worker::Slot {
  uint32_t generation = 0;
  bool busy = false;
  UniqueFd socket;
  std::unique_ptr<Session> session;
  IoRequest request;
  size_t sent = 0;
  // A receive result already known (end of stream or timeout on the first
  // receive), returned at the next receive instead of waiting again.
  std::optional<int64_t> pending_recv;
  bool started = false;  // the session has its first bytes
  bool responded = false;
  // A request must arrive whole by then, however the client trickles it in:
  // the idle timeout counts from the connection's start or last response.
  absl::Time request_deadline;
  __kernel_timespec timeout = {};
};

absl::StatusOr<std::unique_ptr<Worker>> Worker::Start(WorkerOptions options,
                                                      PoolFactory make_pool) {
  auto worker = std::unique_ptr<Worker>(new Worker(options));
  worker->wake_.reset(::eventfd(0, EFD_CLOEXEC));
  if (!worker->wake_.valid()) return ErrnoError("eventfd", errno);
  absl::Status ready;
  absl::Notification started;
  worker->thread_ = std::thread(&Worker::Run, worker.get(),
                                std::move(make_pool), &ready, &started);
  started.WaitForNotification();
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
                 absl::Notification* started) {
  if (options_.cpu >= 0) PinToCpu(options_.cpu);
  // The pool is made here so that its memory and vCPUs belong to this core.
  absl::StatusOr<std::unique_ptr<SessionPool>> pool = make_pool();
  absl::StatusOr<std::unique_ptr<Uring>> ring = Uring::Create(kRingEntries);
  *ready = !pool.ok() ? pool.status() : ring.status();
  if (!ready->ok()) {
    started->Notify();
    return;
  }
  pool_ = std::move(*pool);
  ring_ = std::move(*ring);
  for (size_t i = 0; i < pool_->capacity(); ++i) {
    slots_.push_back(std::make_unique<Slot>());
    free_slots_.push_back(pool_->capacity() - 1 - i);
  }
  metrics_.pool_capacity = static_cast<int64_t>(pool_->capacity());
  started->Notify();
  Loop();
  // Sessions go back before the pool (and its virtines) are destroyed.
  for (auto& slot : slots_) {
    if (slot->session) pool_->Release(std::move(slot->session));
  }
  pool_.reset();
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
    absl::Status status = ring_->SubmitAndWait(
        kTickMs, [this](const io_uring_cqe& cqe) { Handle(cqe); });
    if (!status.ok()) LogEvent(status.ToString());
    TakeInbox();
    if (accept_ && !draining_) accept_->RearmIfDue(*ring_);
    if (draining_) {
      if (absl::Now() >= deadline_) CutOff();
      if (Idle()) return;
    }
  }
}

void Worker::Enqueue(UniqueFd socket) {
  {
    absl::MutexLock lock(&mu_);
    inbox_.push_back(std::move(socket));
  }
  uint64_t one = 1;
  (void)::write(wake_.get(), &one, sizeof one);
}

void Worker::Drain(absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
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
    absl::MutexLock lock(&mu_);
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
  if (!free_slots_.empty()) {
    size_t index = free_slots_.back();
    free_slots_.pop_back();
    return Assign(index, std::move(socket));
  }
  if (waiting_.size() < options_.queue_limit) {
    waiting_.push_back(std::move(socket));
    metrics_.connections_queued = static_cast<int64_t>(waiting_.size());
    return;
  }
  ++metrics_.connections_refused;  // closing it tells the client at once
}

void Worker::Assign(size_t index, UniqueFd socket) {
  Slot& slot = *slots_[index];
  absl::StatusOr<std::unique_ptr<Session>> session = pool_->Acquire();
  if (!session.ok()) {
    LogEvent(absl::StrFormat("worker %d: no session for a connection: %s",
                             options_.index, session.status().ToString()));
    ++metrics_.connections_refused;
    free_slots_.push_back(index);
    return;
  }
  slot.busy = true;
  slot.socket = std::move(socket);
  slot.session = std::move(*session);
  slot.pending_recv.reset();
  slot.started = false;
  slot.responded = false;
  slot.request_deadline = absl::Now() + options_.idle_timeout;
  ++metrics_.connections_open;
  metrics_.pool_in_use = static_cast<int64_t>(pool_->in_use());
  absl::Span<uint8_t> first = slot.session->first_buffer();
  if (first.empty()) {
    slot.started = true;
    return Continue(index, slot.session->Start(slot.socket.get(), 0));
  }
  // The client's first bytes go straight into the session (a virtine's call
  // area) before it runs at all.
  slot.request = IoRequest{.kind = IoRequest::Kind::kRecv, .in = first};
  SubmitRecv(index);
}

void Worker::Handle(const io_uring_cqe& cqe) {
  uint64_t data = io_uring_cqe_get_data64(&cqe);
  Tag tag = TagOf(data);
  if (tag == kTagAccept) {
    UniqueFd socket = accept_->Complete(*ring_, cqe, draining_);
    if (socket.valid()) Accept(std::move(socket));
    return;
  }
  if (tag == kTagWake) {
    io_uring_sqe* sqe = ring_->Sqe();
    io_uring_prep_read(sqe, wake_.get(), &wake_value_, sizeof wake_value_, 0);
    io_uring_sqe_set_data64(sqe, kTagWake);
    return;
  }
  size_t index = SlotOf(data);
  if (tag == kTagTimeout || index >= slots_.size()) return;
  Slot& slot = *slots_[index];
  if (!slot.busy || slot.generation != GenerationOf(data)) return;  // stale
  switch (tag) {
    case kTagFirstRecv:
      return OnFirstRecv(index, cqe.res);
    case kTagRecv:
      return OnRecv(index, cqe.res);
    case kTagSend:
      return OnSend(index, cqe.res);
    case kTagWait:
      return Continue(index, slot.session->Resume(0));
    default:
      return;
  }
}

void Worker::Continue(size_t index, absl::StatusOr<IoRequest> request) {
  Slot& slot = *slots_[index];
  // Receives whose result is already known are answered without the ring.
  while (request.ok() && request->kind == IoRequest::Kind::kRecv &&
         slot.pending_recv) {
    request = slot.session->Resume(*slot.pending_recv);
  }
  if (!request.ok()) {
    return Finish(index, IoRequest{.kind = IoRequest::Kind::kDone,
                                   .failed = true,
                                   .failure = request.status().ToString()});
  }
  slot.request = *std::move(request);
  slot.sent = 0;
  switch (slot.request.kind) {
    case IoRequest::Kind::kRecv:
      return SubmitRecv(index);
    case IoRequest::Kind::kSend:
    case IoRequest::Kind::kSendRecv:
    case IoRequest::Kind::kSendClose:
      return SubmitSend(index);
    case IoRequest::Kind::kWaitFd:
      return SubmitWait(index);
    case IoRequest::Kind::kDone:
      return Finish(index, slot.request);
  }
}

void Worker::SubmitRecv(size_t index) {
  Slot& slot = *slots_[index];
  if (slot.request.in.empty()) {
    return Continue(index, slot.session->Resume(0));
  }
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_recv(sqe, slot.socket.get(), slot.request.in.data(),
                     slot.request.in.size(), 0);
  io_uring_sqe_set_data64(sqe, Pack(slot.started ? kTagRecv : kTagFirstRecv,
                                    index, slot.generation));
  LinkTimeout(
      index, sqe,
      std::max(slot.request_deadline - absl::Now(), absl::Milliseconds(1)));
}

void Worker::SubmitSend(size_t index) {
  Slot& slot = *slots_[index];
  absl::Span<const uint8_t> rest = slot.request.out.subspan(slot.sent);
  if (rest.empty()) return OnSend(index, 0);
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_send(sqe, slot.socket.get(), rest.data(), rest.size(),
                     MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, Pack(kTagSend, index, slot.generation));
  LinkTimeout(index, sqe, options_.idle_timeout);
}

// A client too slow to send or to read is cut off: the operation `sqe`
// completes with -ECANCELED after `timeout`.
void Worker::LinkTimeout(size_t index, io_uring_sqe* sqe,
                         absl::Duration timeout) {
  Slot& slot = *slots_[index];
  sqe->flags |= IOSQE_IO_LINK;
  slot.timeout = KernelTimespec(timeout);
  io_uring_sqe* link = ring_->Sqe();
  io_uring_prep_link_timeout(link, &slot.timeout, 0);
  io_uring_sqe_set_data64(link, Pack(kTagTimeout, index, slot.generation));
}

void Worker::SubmitWait(size_t index) {
  Slot& slot = *slots_[index];
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_poll_add(sqe, slot.request.fd, POLLIN);
  io_uring_sqe_set_data64(sqe, Pack(kTagWait, index, slot.generation));
}

void Worker::OnFirstRecv(size_t index, int result) {
  Slot& slot = *slots_[index];
  slot.started = true;
  size_t length = 0;
  if (result > 0) {
    length = static_cast<size_t>(result);
    metrics_.bytes_received += length;
  } else {
    slot.pending_recv = RecvResult(result);
  }
  Continue(index, slot.session->Start(slot.socket.get(), length));
}

void Worker::OnRecv(size_t index, int result) {
  Slot& slot = *slots_[index];
  if (result > 0) metrics_.bytes_received += result;
  if (result == 0) slot.pending_recv = 0;  // end of stream stays so
  Continue(index, slot.session->Resume(RecvResult(result)));
}

void Worker::OnSend(size_t index, int result) {
  Slot& slot = *slots_[index];
  bool last = slot.request.kind == IoRequest::Kind::kSendClose;
  if (result < 0 && last) return Finish(index, IoRequest{});
  if (result < 0) {
    // The client is gone or too slow: every later I/O fails the same way.
    slot.pending_recv = -WASP_EPIPE;
    return Continue(index, slot.session->Resume(-WASP_EPIPE));
  }
  slot.sent += static_cast<size_t>(result);
  metrics_.bytes_sent += static_cast<uint64_t>(result);
  if (slot.sent < slot.request.out.size()) return SubmitSend(index);
  ++metrics_.requests;
  slot.responded = true;
  slot.request_deadline = absl::Now() + options_.idle_timeout;
  if (last) return Finish(index, IoRequest{});
  if (slot.request.kind == IoRequest::Kind::kSendRecv) {
    slot.request.kind = IoRequest::Kind::kRecv;
    if (slot.pending_recv) {
      return Continue(index, slot.session->Resume(*slot.pending_recv));
    }
    return SubmitRecv(index);
  }
  Continue(index,
           slot.session->Resume(static_cast<int64_t>(slot.request.out.size())));
}

void Worker::Finish(size_t index, const IoRequest& done) {
  Slot& slot = *slots_[index];
  if (done.failed) {
    ++(done.timed_out ? metrics_.budget_timeouts : metrics_.guest_faults);
    LogEvent(absl::StrFormat("worker %d: connection ended: %s", options_.index,
                             done.failure));
    if (options_.http_errors && !slot.responded &&
        !slot.session->does_own_io()) {
      (void)::send(slot.socket.get(), kInternalError, sizeof kInternalError - 1,
                   MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }
  metrics_.exits += slot.session->counters().exits;
  pool_->Release(std::move(slot.session));
  ++metrics_.resets;
  slot.socket.reset();
  slot.busy = false;
  ++slot.generation;
  --metrics_.connections_open;
  metrics_.pool_in_use = static_cast<int64_t>(pool_->in_use());
  if (!waiting_.empty() && !draining_) {
    UniqueFd next = std::move(waiting_.front());
    waiting_.pop_front();
    metrics_.connections_queued = static_cast<int64_t>(waiting_.size());
    return Assign(index, std::move(next));
  }
  free_slots_.push_back(index);
}

// Waiting connections are closed. Every session sees the end of the
// stream at its next receive: a silent client's session ends now, one in
// the middle of a response finishes sending it first.
void Worker::StartDrain() {
  draining_ = true;
  waiting_.clear();
  metrics_.connections_queued = 0;
  for (auto& slot : slots_) {
    if (slot->busy) ::shutdown(slot->socket.get(), SHUT_RD);
  }
}

void Worker::CutOff() {
  for (auto& slot : slots_) {
    if (slot->busy) ::shutdown(slot->socket.get(), SHUT_RDWR);
  }
}

bool Worker::Idle() const {
  for (const auto& slot : slots_) {
    if (slot->busy) return false;
  }
  return true;
}

}  // namespace wasp
