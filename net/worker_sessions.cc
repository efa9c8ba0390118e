// Connections served by sessions (connection-scoped apps, process
// isolation): a connection holds its session from the start to the close;
// the session runs until it needs I/O, which goes to the ring.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>

#include "absl/strings/str_format.h"
#include "guest/abi/hypercall.h"
#include "net/event_log.h"
#include "net/worker.h"
#include "net/worker_connection.h"

namespace wasp {
namespace {

// What the guest sees of a failed receive.
int64_t RecvResult(int result) {
  if (result >= 0) return result;
  if (result == -ECANCELED) return -WASP_ETIMEDOUT;  // the linked timeout
  if (result == -ECONNRESET) return -WASP_ECONNRESET;
  return -WASP_EPIPE;
}

}  // namespace

// A connection gets its session only once its client has sent something:
// until then it is a socket with a poll armed, as a request-scoped one is.
void Worker::OpenSession(size_t index) {
  connections_[index]->slot = std::make_unique<SessionSlot>();
  ArmPoll(index, kTagSessionReadable);
}

// The client sent something (or its deadline passed): a session that has
// not started starts, a hibernated one wakes up.
void Worker::OnSessionReadable(size_t index, int result) {
  SessionSlot& slot = *connections_[index]->slot;
  bool timed_out = result == -ECANCELED;
  if (slot.session == nullptr) {
    if (result < 0 || draining_) return Close(index);
    return WantSession(index);
  }
  if (result < 0 && !timed_out) return Finish(index, IoRequest{});
  if (timed_out) slot.wake_result = -WASP_ETIMEDOUT;
  WantSession(index);
}

void Worker::WantSession(size_t index) {
  if (queue_.empty() && sessions_->in_use() < sessions_->capacity()) {
    return Bind(index);
  }
  Enqueue(index);
}

void Worker::AssignQueuedSessions() {
  while (sessions_->in_use() < sessions_->capacity()) {
    std::optional<size_t> index = NextQueued();
    if (!index) return;
    Bind(*index);
    if (connections_[*index]->state == State::kQueued) return;  // later
  }
}

// Gives the connection its session: a new one, or its own unparked.
void Worker::Bind(size_t index) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  if (slot.session == nullptr) return Assign(index);
  absl::StatusOr<IoRequest> request = slot.session->Unpark();
  if (!request.ok() &&
      request.status().code() == absl::StatusCode::kResourceExhausted) {
    SetState(c, State::kQueued);
    queue_.emplace_front(index, c.generation);
    return;
  }
  metrics_.hibernated_bytes -= static_cast<int64_t>(slot.parked_bytes);
  slot.parked_bytes = 0;
  SetState(c, State::kSession);
  metrics_.pool_in_use = static_cast<int64_t>(sessions_->in_use());
  if (!request.ok()) return Continue(index, request);
  slot.request = *std::move(request);
  if (std::optional<int64_t> result = std::exchange(slot.wake_result, {})) {
    return Continue(index, slot.session->Resume(*result));
  }
  SubmitRecv(index);
}

void Worker::Assign(size_t index) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  const bool full = sessions_->in_use() >= sessions_->capacity();
  absl::StatusOr<std::unique_ptr<Session>> session = sessions_->Acquire();
  if (!session.ok()) {
    ++(full ? metrics_.requests_rejected : metrics_.requests_unserved);
    LogEvent(absl::StrFormat("worker %d: no session for a connection: %s",
                             options_.index, session.status().ToString()));
    return Refuse(index, kBusy);
  }
  SetState(c, State::kSession);
  slot.session = std::move(*session);
  metrics_.pool_in_use = static_cast<int64_t>(sessions_->in_use());
  absl::Span<uint8_t> first = slot.session->first_buffer();
  if (first.empty()) {
    return Continue(index, slot.session->Start(c.socket.get(), 0));
  }
  // The client's first bytes go straight into the session (a virtine's call
  // area) before it runs at all.
  ssize_t n = ::recv(c.socket.get(), first.data(), first.size(), MSG_DONTWAIT);
  size_t length = 0;
  if (n > 0) {
    length = static_cast<size_t>(n);
    metrics_.bytes_received += length;
  } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
    slot.pending_recv = n == 0 ? 0 : RecvResult(-errno);
  }
  Continue(index, slot.session->Start(c.socket.get(), length));
}

// While it waits for its client a session that can park gives its virtine
// back; the next bytes wake it up in any free one.
void Worker::Hibernate(size_t index) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  if (absl::Status parked = slot.session->Park(); !parked.ok()) {
    LogEvent(absl::StrFormat("worker %d: a session could not park: %s",
                             options_.index, parked.ToString()));
    return SubmitRingRecv(index);  // it waits holding its virtine
  }
  ++metrics_.hibernations;
  slot.parked_bytes = slot.session->parked_bytes();
  metrics_.hibernated_bytes += static_cast<int64_t>(slot.parked_bytes);
  metrics_.pool_in_use = static_cast<int64_t>(sessions_->in_use());
  ArmPoll(index, kTagSessionReadable);
}

void Worker::Continue(size_t index, absl::StatusOr<IoRequest> request) {
  SessionSlot& slot = *connections_[index]->slot;
  // Receives whose result is already known are answered without the ring.
  while (request.ok() && request->kind == IoRequest::Kind::kRecv &&
         slot.pending_recv) {
    request = slot.session->Resume(*slot.pending_recv);
  }
  if (!request.ok()) {
    return Finish(index, IoRequest{.kind = IoRequest::Kind::kDone,
                                   .ending = IoRequest::Ending::kFailed,
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
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  if (slot.request.in.empty()) {
    return Continue(index, slot.session->Resume(0));
  }
  if (!slot.session->can_park()) return SubmitRingRecv(index);
  ssize_t n = ::recv(c.socket.get(), slot.request.in.data(),
                     slot.request.in.size(), MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return Hibernate(index);
  }
  OnRecv(index, n >= 0 ? static_cast<int>(n) : -errno);
}

void Worker::SubmitRingRecv(size_t index) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_recv(sqe, c.socket.get(), slot.request.in.data(),
                     slot.request.in.size(), 0);
  io_uring_sqe_set_data64(sqe, Pack(kTagRecv, index, c.generation));
  LinkTimeout(index, sqe, c.deadline - absl::Now());
}

void Worker::SubmitSend(size_t index) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  absl::Span<const uint8_t> rest = slot.request.out.subspan(slot.sent);
  if (rest.empty()) return OnSend(index, 0);
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_send(sqe, c.socket.get(), rest.data(), rest.size(),
                     MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, Pack(kTagSend, index, c.generation));
  LinkTimeout(index, sqe, options_.idle_timeout);
}

void Worker::SubmitWait(size_t index) {
  Connection& c = *connections_[index];
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_poll_add(sqe, c.slot->request.fd, POLLIN);
  io_uring_sqe_set_data64(sqe, Pack(kTagWait, index, c.generation));
}

void Worker::OnRecv(size_t index, int result) {
  SessionSlot& slot = *connections_[index]->slot;
  if (result > 0) metrics_.bytes_received += result;
  if (result == 0) slot.pending_recv = 0;  // end of stream stays so
  Continue(index, slot.session->Resume(RecvResult(result)));
}

void Worker::OnSend(size_t index, int result) {
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
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
  ++metrics_.responses;
  slot.responded = true;
  c.deadline = absl::Now() + options_.idle_timeout;
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
  Connection& c = *connections_[index];
  SessionSlot& slot = *c.slot;
  if (done.failed()) {
    ++(done.ending == IoRequest::Ending::kTimedOut ? metrics_.budget_timeouts
                                                   : metrics_.guest_faults);
    LogEvent(absl::StrFormat("worker %d: connection ended: %s", options_.index,
                             done.failure));
    // Only what the worker sent tells whether the client got an answer.
    if (!slot.responded && !slot.session->does_own_io()) {
      return Refuse(index, kInternalError);  // which releases the session
    }
  }
  Close(index);  // which releases the session
}

void Worker::ReleaseSession(SessionSlot& slot) {
  metrics_.exits += slot.session->counters().exits;
  metrics_.hibernated_bytes -= static_cast<int64_t>(slot.parked_bytes);
  slot.parked_bytes = 0;
  if (absl::Status released = sessions_->Release(std::move(slot.session));
      !released.ok()) {
    ++metrics_.reset_failures;
    LogEvent(absl::StrFormat("worker %d: a virtine was discarded: %s",
                             options_.index, released.ToString()));
  }
  if (sessions_->resets()) ++metrics_.resets;
  metrics_.pool_in_use = static_cast<int64_t>(sessions_->in_use());
}

}  // namespace wasp
