// Request-scoped connections: a connection holds nothing while it waits; a
// handler is lent to it for one run when its input is due, and the response
// goes out before the handler is released (what the socket does not take at
// once is kept in host memory, or referenced where it stays valid).
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_format.h"
#include "net/event_log.h"
#include "net/worker.h"
#include "net/worker_connection.h"

namespace wasp {
namespace {

size_t TotalLength(const std::vector<iovec>& segments) {
  size_t total = 0;
  for (const iovec& segment : segments) total += segment.iov_len;
  return total;
}

// Drops the first `bytes` of `segments`.
void Advance(std::vector<iovec>& segments, size_t bytes) {
  size_t done = 0;
  while (done < segments.size() && bytes >= segments[done].iov_len) {
    bytes -= segments[done].iov_len;
    ++done;
  }
  segments.erase(segments.begin(), segments.begin() + done);
  if (!segments.empty() && bytes > 0) {
    segments.front().iov_base =
        static_cast<char*>(segments.front().iov_base) + bytes;
    segments.front().iov_len -= bytes;
  }
}

}  // namespace

void Worker::ArmPoll(size_t index, Tag tag) {
  Connection& c = *connections_[index];
  SetState(c, State::kReading);
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_poll_add(sqe, c.socket.get(), POLLIN);
  io_uring_sqe_set_data64(sqe, Pack(tag, index, c.generation));
  LinkTimeout(index, sqe, c.deadline - absl::Now());
}

void Worker::OnReadable(size_t index, int result) {
  Connection& c = *connections_[index];
  if (result == -ECANCELED) {                  // the request deadline passed
    if (c.input.empty()) return Close(index);  // between requests: quietly
    c.input_flags |= WASP_INPUT_TIMEOUT;
    return Dispatch(index);
  }
  if (result < 0) return Close(index);
  ReadInput(index);
}

// Bytes go to the worker's scratch buffer and are kept by the connection
// only until they make a request worth a run.
void Worker::ReadInput(size_t index) {
  Connection& c = *connections_[index];
  size_t room = std::min(c.input.Room(scratch_.size()), scratch_.size());
  if (room == 0) {
    return c.input.Due(scratch_.size()) ? Dispatch(index) : Close(index);
  }
  ssize_t n = ::recv(c.socket.get(), scratch_.data(), room, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      return ArmPoll(index, kTagReadable);
    }
    return Close(index);
  }
  if (n == 0) {
    if (c.input.empty()) return Close(index);
    c.input_flags |= WASP_INPUT_EOF;
    return Dispatch(index);
  }
  metrics_.bytes_received += static_cast<uint64_t>(n);
  c.input.Add(absl::MakeConstSpan(scratch_.data(), static_cast<size_t>(n)));
  if (c.input.Due(scratch_.size())) return Dispatch(index);
  if (c.input.Stuck(scratch_.size())) return Close(index);
  ArmPoll(index, kTagReadable);
}

// The connection's input is due: a handler answers it now, or it waits in
// the queue for one.
void Worker::Dispatch(size_t index) {
  if (queue_.empty()) {
    absl::StatusOr<RequestHandler*> handler = handlers_->Acquire();
    if (handler.ok()) return RunRequests(index, *handler);
  }
  Enqueue(index);
}

void Worker::DispatchQueued() {
  while (handlers_->in_use() < handlers_->capacity()) {
    std::optional<size_t> next = NextQueued();
    if (!next) return;
    size_t index = *next;
    absl::StatusOr<RequestHandler*> handler = handlers_->Acquire();
    if (!handler.ok()) {  // below capacity: none could be made
      ++metrics_.requests_unserved;
      LogEvent(absl::StrFormat("worker %d: no virtine for a request: %s",
                               options_.index, handler.status().ToString()));
      Refuse(index, kBusy);
      continue;
    }
    RunRequests(index, *handler);
  }
}

void Worker::RunRequests(size_t index, RequestHandler* handler) {
  Connection& c = *connections_[index];
  SetState(c, State::kRunning);
  metrics_.pool_in_use = static_cast<int64_t>(handlers_->in_use());
  absl::StatusOr<RunResult> result = handler->Run(
      c.input.bytes(), c.input_flags | (access_log_ ? WASP_INPUT_LOG : 0));
  ++metrics_.runs;
  metrics_.exits += handler->exits();
  if (!result.ok() || result->outcome != RunResult::Outcome::kAnswered) {
    std::string failure =
        result.ok() ? result->failure : result.status().ToString();
    if (result.ok()) {
      ++(result->outcome == RunResult::Outcome::kTimedOut
             ? metrics_.budget_timeouts
             : metrics_.guest_faults);
    }
    LogEvent(absl::StrFormat("worker %d: connection ended: %s", options_.index,
                             failure));
    ReleaseHandler(handler);
    return Refuse(index, kInternalError);
  }
  if (access_log_ && !result->log.empty()) {
    access_log_->Append(c.peer, absl::Now(), result->log);
  }
  c.input.AfterRun(*result);
  c.close_after_output = result->close || c.input_flags != 0;
  c.answered = !result->output.empty();
  c.input_flags = 0;
  SendOutput(index, handler, result->output);
}

// The response goes out before the handler is released: at once when the
// socket takes it all (the common case), else its rest is kept.
void Worker::SendOutput(size_t index, RequestHandler* handler,
                        const std::vector<iovec>& output) {
  Connection& c = *connections_[index];
  size_t total = TotalLength(output);
  if (total == 0) {
    ReleaseHandler(handler);
    return AfterOutput(index);
  }
  ++metrics_.responses;
  msghdr message = {};
  message.msg_iov = const_cast<iovec*>(output.data());
  message.msg_iovlen = output.size();
  ssize_t n = ::sendmsg(c.socket.get(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ReleaseHandler(handler);
    return Close(index);
  }
  size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
  metrics_.bytes_sent += sent;
  if (sent == total) {
    ReleaseHandler(handler);
    return AfterOutput(index);
  }
  // What stays valid after the release is referenced, the rest copied into
  // one buffer, reserved first so that pointers into it hold.
  c.unsent = output;
  Advance(c.unsent, sent);
  std::vector<bool> copy(c.unsent.size());
  size_t to_copy = 0;
  for (size_t i = 0; i < c.unsent.size(); ++i) {
    iovec& segment = c.unsent[i];
    absl::Span<const uint8_t> kept = handler->Persistent(
        {static_cast<const uint8_t*>(segment.iov_base), segment.iov_len});
    copy[i] = kept.size() != segment.iov_len;
    if (copy[i]) {
      to_copy += segment.iov_len;
    } else {
      segment.iov_base = const_cast<uint8_t*>(kept.data());
    }
  }
  c.copied.reserve(to_copy);
  for (size_t i = 0; i < c.unsent.size(); ++i) {
    if (!copy[i]) continue;
    iovec& segment = c.unsent[i];
    size_t at = c.copied.size();
    c.copied.append(static_cast<const char*>(segment.iov_base),
                    segment.iov_len);
    segment.iov_base = c.copied.data() + at;
  }
  ReleaseHandler(handler);
  SetState(c, State::kSending);
  SubmitOutput(index);
}

void Worker::SubmitOutput(size_t index) {
  Connection& c = *connections_[index];
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_send(sqe, c.socket.get(), c.unsent.front().iov_base,
                     c.unsent.front().iov_len, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, Pack(kTagOutput, index, c.generation));
  LinkTimeout(index, sqe, options_.idle_timeout);
}

void Worker::OnOutputSent(size_t index, int result) {
  Connection& c = *connections_[index];
  if (result <= 0) return Close(index);  // gone, or too slow to read
  metrics_.bytes_sent += static_cast<uint64_t>(result);
  Advance(c.unsent, static_cast<size_t>(result));
  if (!c.unsent.empty()) return SubmitOutput(index);
  std::vector<iovec>().swap(c.unsent);
  std::string().swap(c.copied);
  AfterOutput(index);
}

// The response is out: close, answer what is already here, or wait.
void Worker::AfterOutput(size_t index) {
  Connection& c = *connections_[index];
  if (c.close_after_output || draining_) return Close(index);
  // The next request's deadline counts from the last response, not from
  // a run that only found part of a request.
  if (std::exchange(c.answered, false)) {
    c.deadline = absl::Now() + options_.idle_timeout;
  }
  if (c.input.Stuck(scratch_.size())) return Close(index);
  if (c.input.Due(scratch_.size())) return Dispatch(index);
  ArmPoll(index, kTagReadable);
}

void Worker::ReleaseHandler(RequestHandler* handler) {
  absl::Status status = handlers_->Release(handler);
  if (handlers_->resets()) ++metrics_.resets;
  if (!status.ok()) {
    ++metrics_.reset_failures;
    LogEvent(absl::StrFormat("worker %d: a virtine was discarded: %s",
                             options_.index, status.ToString()));
  }
  metrics_.pool_in_use = static_cast<int64_t>(handlers_->in_use());
}

}  // namespace wasp
