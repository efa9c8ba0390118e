#include "tools/load/load_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/user_data.h"
#include "tools/load/connection.h"

namespace wasp::load {

int64_t MonotonicNowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

namespace {

constexpr int64_t kConnectRetryNs = 10'000'000;
constexpr int64_t kMaxWaitNs = 100'000'000;
constexpr int64_t kCloseWaitNs = 1'000'000'000;

}  // namespace

LoadLoop::LoadLoop(LoadPlan plan)
    : plan_(std::move(plan)),
      connect_queue_(std::max(plan_.max_connecting, 1)),
      wakes_(plan_.connections),
      deadlines_(plan_.connections) {}
LoadLoop::~LoadLoop() = default;

absl::StatusOr<std::unique_ptr<LoadLoop>> LoadLoop::Create(LoadPlan plan) {
  if (plan.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(plan.cpu, &set);
    int err = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (err != 0) {
      return ErrnoError(absl::StrCat("pinning to CPU ", plan.cpu), err);
    }
  }
  if (plan.connections < 0 ||
      static_cast<uint64_t>(plan.connections) > kUserDataSlots) {
    return absl::InvalidArgumentError(
        absl::StrCat(plan.connections, " connections on one thread: at most ",
                     kUserDataSlots, " (use more --threads)"));
  }
  auto loop = std::unique_ptr<LoadLoop>(new LoadLoop(std::move(plan)));
  const LoadPlan& p = loop->plan_;
  int depth = p.keepalive ? std::max(p.pipeline, 1) : 1;
  for (int i = 0; i < depth; ++i) loop->batch_ += p.request;
  unsigned sq_entries = 64;
  while (sq_entries < 4096 &&
         sq_entries < static_cast<unsigned>(p.connections) * 2) {
    sq_entries *= 2;
  }
  // A connection has at most three operations in the ring at once (send,
  // receive, cancel), so their completions always fit.
  uint64_t cq_entries = std::max<uint64_t>(
      2 * sq_entries, 4 * static_cast<uint64_t>(p.connections));
  ASSIGN_OR_RETURN(
      loop->ring_,
      Uring::Create({.entries = sq_entries,
                     .cq_entries = static_cast<unsigned>(
                         std::min<uint64_t>(cq_entries, 1u << 20))}));
  for (int i = 0; i < p.connections; ++i) {
    auto c = std::make_unique<Connection>(i, depth, p.head_requests);
    if (p.rate > 0) {
      // Connections take turns: together they send at `rate`.
      double interval = 1e9 * p.total_connections / p.rate;
      double phase = 1e9 * (p.first_connection + i) / p.rate;
      c->pacer.emplace(p.start_ns + static_cast<int64_t>(phase), interval);
    }
    loop->connections_.push_back(std::move(c));
  }
  return loop;
}

uint64_t LoadLoop::UserData(Op op, const Connection& c) const {
  return PackUserData({.tag = static_cast<uint8_t>(op),
                       .slot = static_cast<uint32_t>(c.index),
                       .generation = c.generation});
}

void LoadLoop::Issue(Connection& c) {
  while (!c.requests.full() && !stopping_) {
    if (plan_.end_ns == 0 ? counted_issued_ >= plan_.requests
                          : now_ns_ >= plan_.end_ns) {
      stopping_ = true;
      break;
    }
    int64_t intended = now_ns_;
    if (c.pacer.has_value()) {
      if (!c.pacer->Due(now_ns_)) {
        Wake(c, c.pacer->NextDueNs());
        break;
      }
      intended = c.pacer->Take(now_ns_);
    }
    bool counted = intended >= plan_.measure_start_ns;
    c.requests.push({intended, now_ns_, counted});
    ++c.unsent;
    ++requests_in_flight_;
    if (counted) {
      ++stats_.sent;
      ++counted_issued_;
    }
  }
  ArmDeadline(c);
}

void LoadLoop::Pump(Connection& c) {
  if (c.state == Connection::State::kClosing ||
      c.state == Connection::State::kQueued) {
    return;
  }
  if (c.retry_at_ns > now_ns_) {
    Wake(c, c.retry_at_ns);
    return;
  }
  if (c.state == Connection::State::kIdle && plan_.keepalive) {
    // Connect first: a request's latency does not include the connect.
    if (!stopping_) StartConnect(c);
    return;
  }
  if (c.state == Connection::State::kConnecting) return;
  Issue(c);
  if (c.requests.size() == 0) return;
  switch (c.state) {
    case Connection::State::kIdle:
      StartConnect(c);  // a connection per request
      break;
    case Connection::State::kOpen:
      if (!c.send_pending && c.unsent > 0) StartSend(c);
      if (!c.recv_pending && c.requests.size() > c.unsent) StartRecv(c);
      break;
    default:
      break;
  }
}

void LoadLoop::StartConnect(Connection& c) {
  if (!connect_queue_.MayStart()) {
    c.state = Connection::State::kQueued;
    connect_queue_.Wait({c.index, c.generation});
    return;
  }
  Connect(c);
}

void LoadLoop::StartWaitingConnects() {
  while (std::optional<ConnectQueue::Waiter> next = connect_queue_.Next()) {
    Connection& c = *connections_[next->index];
    if (c.state != Connection::State::kQueued ||
        c.generation != next->generation) {
      continue;  // it closed meanwhile
    }
    c.state = Connection::State::kIdle;
    if (stopping_ && c.requests.size() == 0) continue;  // not needed now
    Connect(c);
  }
}

void LoadLoop::Connect(Connection& c) {
  int fd =
      socket(plan_.address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    ConnectFailed(c, ConnectErrorFor(err), err);
    return;
  }
  c.fd.reset(fd);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_connect(sqe, fd, plan_.address.get(), plan_.address.length);
  io_uring_sqe_set_data64(sqe, UserData(Op::kConnect, c));
  c.state = Connection::State::kConnecting;
  c.connect_started_ns = now_ns_;
  ++c.pending_ops;
  ++ops_in_ring_;
  connect_queue_.Started();
  ArmDeadline(c);
}

void LoadLoop::StartSend(Connection& c) {
  if (c.send_total == 0) {
    c.send_total = c.unsent * plan_.request.size();
    c.send_done = 0;
    c.unsent = 0;
  }
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_send(sqe, c.fd.get(), batch_.data() + c.send_done,
                     c.send_total - c.send_done, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, UserData(Op::kSend, c));
  c.send_pending = true;
  ++c.pending_ops;
  ++ops_in_ring_;
}

void LoadLoop::StartRecv(Connection& c) {
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_recv(sqe, c.fd.get(), c.buffer.get(),
                     Connection::kReceiveBufferBytes, 0);
  // The response is rarely there yet: wait for it rather than try first.
  sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
  io_uring_sqe_set_data64(sqe, UserData(Op::kRecv, c));
  c.recv_pending = true;
  ++c.pending_ops;
  ++ops_in_ring_;
}

void LoadLoop::OnCompletion(const io_uring_cqe& cqe) {
  const wasp::UserData data = UnpackUserData(cqe.user_data);
  const auto op = static_cast<Op>(data.tag);
  if (op == Op::kCancel || data.slot >= connections_.size()) return;
  Connection& c = *connections_[data.slot];
  if (data.generation != c.generation) return;  // an older socket
  --c.pending_ops;
  --ops_in_ring_;
  if (op == Op::kSend) c.send_pending = false;
  if (op == Op::kRecv) c.recv_pending = false;
  if (c.state == Connection::State::kClosing) {
    if (c.pending_ops == 0) OnClosed(c);
    return;
  }
  switch (op) {
    case Op::kConnect:
      OnConnect(c, cqe.res);
      break;
    case Op::kSend:
      OnSend(c, cqe.res);
      break;
    case Op::kRecv:
      OnRecv(c, cqe.res);
      break;
    default:
      break;
  }
}

void LoadLoop::OnConnect(Connection& c, int res) {
  connect_queue_.Done();
  c.state = Connection::State::kIdle;  // its slot is given back
  if (res < 0) {
    ConnectFailed(c, ConnectErrorFor(-res), -res);
    return;
  }
  c.state = Connection::State::kOpen;
  ++stats_.connects;
  if (!c.ever_connected) {
    c.ever_connected = true;
    ++stats_.connected;
  }
  stats_.peak_open = std::max(stats_.peak_open, ++open_);
  ArmDeadline(c);  // requests issued before the connect time out sooner
  Pump(c);
}

void LoadLoop::ConnectFailed(Connection& c, ConnectionError why, int err) {
  CountConnectionError(why, err);
  c.retry_at_ns = now_ns_ + kConnectRetryNs;  // before Fail pumps again
  // The requests this connection would send now cannot go out.
  Issue(c);
  Fail(c, ErrorKind::kConnect);
}

void LoadLoop::OnSend(Connection& c, int res) {
  if (res < 0) {
    CountConnectionError(TransferErrorFor(-res), -res);
    Fail(c, ErrorKind::kReset);
    return;
  }
  if (now_ns_ >= plan_.measure_start_ns) stats_.bytes_sent += res;
  c.send_done += res;
  if (c.send_done < c.send_total) {
    StartSend(c);  // the rest of a short send
    return;
  }
  c.send_total = 0;
  Pump(c);
}

void LoadLoop::OnRecv(Connection& c, int res) {
  if (res < 0) {
    CountConnectionError(TransferErrorFor(-res), -res);
    Fail(c, ErrorKind::kReset);
    return;
  }
  if (res == 0) {
    OnEndOfStream(c);
    return;
  }
  if (now_ns_ >= plan_.measure_start_ns) stats_.bytes_received += res;
  if (plan_.protocol == Protocol::kHttp) {
    OnHttpBytes(c, c.buffer.get(), static_cast<size_t>(res));
  } else {
    OnEchoBytes(c, static_cast<size_t>(res));
  }
  if (c.state != Connection::State::kOpen) return;
  if (!plan_.keepalive && c.requests.size() == 0) {
    Close(c);  // one connection per request
    return;
  }
  Pump(c);
}

void LoadLoop::OnHttpBytes(Connection& c, const char* data, size_t size) {
  absl::string_view rest(data, size);
  while (!rest.empty()) {
    if (c.requests.size() <= c.unsent) {
      Fail(c, ErrorKind::kMalformed);  // a response nobody asked for
      return;
    }
    absl::StatusOr<HttpResponseParser::Progress> progress =
        c.parser.Parse(rest);
    if (!progress.ok()) {
      Fail(c, ErrorKind::kMalformed);
      return;
    }
    rest.remove_prefix(progress->consumed);
    if (!progress->complete) continue;
    Complete(c, c.parser.response().status);
    if (!c.parser.response().keep_alive) {
      // The server closes: what else is in flight will not be answered.
      if (c.requests.size() > 0) {
        CountConnectionError(ConnectionError::kClosed, 0);
      }
      Fail(c, ErrorKind::kShortRead);
      return;
    }
  }
}

void LoadLoop::OnEchoBytes(Connection& c, size_t size) {
  c.echo_received += size;
  const uint64_t payload = plan_.request.size();
  while (c.echo_received >= payload && c.requests.size() > c.unsent) {
    c.echo_received -= payload;
    Complete(c, 200);
  }
  if (c.echo_received > 0 && c.requests.size() == c.unsent) {
    Fail(c, ErrorKind::kMalformed);  // more bytes than were sent
  }
}

void LoadLoop::OnEndOfStream(Connection& c) {
  if (plan_.protocol == Protocol::kHttp) {
    absl::StatusOr<bool> ended = c.parser.Finish();
    if (ended.ok() && *ended && c.requests.size() > c.unsent) {
      Complete(c, c.parser.response().status);
    }
  }
  if (c.requests.size() > 0) CountConnectionError(ConnectionError::kClosed, 0);
  Fail(c, ErrorKind::kShortRead);
}

void LoadLoop::Complete(Connection& c, int status) {
  InFlight request = c.requests.pop();
  --requests_in_flight_;
  if (!request.counted) return;
  stats_.last_done_ns = now_ns_;
  ++stats_.status_classes[status >= 100 && status < 600 ? status / 100 : 0];
  bool expected = plan_.expect_status != 0 ? status == plan_.expect_status
                                           : status >= 200 && status <= 299;
  if (!expected) {
    ++stats_.error(ErrorKind::kBadStatus);
    return;
  }
  ++stats_.answered;
  stats_.latency.Record((now_ns_ - request.intended_ns + 500) / 1000);
}

void LoadLoop::Fail(Connection& c, ErrorKind kind) {
  while (c.requests.size() > 0) {
    --requests_in_flight_;
    if (c.requests.pop().counted) {
      ++stats_.error(kind);
      stats_.last_done_ns = now_ns_;
    }
  }
  c.unsent = 0;
  c.send_total = 0;
  Close(c);
}

void LoadLoop::CountConnectionError(ConnectionError why, int err) {
  ++stats_.connection_error(why);
  if (why == ConnectionError::kOther) stats_.last_other_errno = err;
}

void LoadLoop::Close(Connection& c) {
  if (c.state == Connection::State::kOpen) --open_;
  if (c.state == Connection::State::kConnecting) connect_queue_.Done();
  c.parser = HttpResponseParser(plan_.head_requests);
  c.echo_received = 0;
  if (c.pending_ops == 0) {
    OnClosed(c);
    return;
  }
  c.state = Connection::State::kClosing;
  // Ends a pending send or receive even where cancel_fd is not supported.
  shutdown(c.fd.get(), SHUT_RDWR);
  io_uring_sqe* sqe = ring_->Sqe();
  io_uring_prep_cancel_fd(sqe, c.fd.get(), IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, UserData(Op::kCancel, c));
}

void LoadLoop::OnClosed(Connection& c) {
  c.fd.reset();
  ++c.generation;
  c.state = Connection::State::kIdle;
  c.send_pending = c.recv_pending = false;
  if (c.requests.size() > 0 || !stopping_) Pump(c);
}

void LoadLoop::Wake(Connection& c, int64_t at_ns) {
  wakes_.Set(c.index, at_ns);
}

void LoadLoop::RunDueWakes() {
  while (std::optional<int> index = wakes_.PopDue(now_ns_)) {
    Pump(*connections_[*index]);
  }
}

int64_t LoadLoop::DeadlineNs(const Connection& c) const {
  switch (c.state) {
    case Connection::State::kConnecting:
      return c.connect_started_ns + plan_.timeout_ns;
    case Connection::State::kClosing:
      return 0;
    default:
      return c.requests.size() > 0
                 ? c.requests.front().issued_ns + plan_.timeout_ns
                 : 0;
  }
}

void LoadLoop::ArmDeadline(Connection& c) {
  // An earlier check, if set, stays: it re-arms for what is due then.
  if (int64_t at = DeadlineNs(c); at != 0) deadlines_.Set(c.index, at);
}

void LoadLoop::RunDueDeadlines() {
  while (std::optional<int> index = deadlines_.PopDue(now_ns_)) {
    Connection& c = *connections_[*index];
    int64_t due = DeadlineNs(c);
    if (due != 0 && due <= now_ns_) {
      if (c.state == Connection::State::kConnecting ||
          c.state == Connection::State::kQueued) {
        ConnectFailed(c, ConnectionError::kConnectTimeout, ETIMEDOUT);
      } else {
        CountConnectionError(ConnectionError::kReadTimeout, ETIMEDOUT);
        Fail(c, ErrorKind::kTimeout);
      }
    }
    ArmDeadline(c);
  }
}

bool LoadLoop::Finished() const {
  return stopping_ && requests_in_flight_ == 0;
}

int64_t LoadLoop::NextDeadlineNs() const {
  int64_t next = now_ns_ + kMaxWaitNs;
  for (const ConnectionTimers* timers : {&wakes_, &deadlines_}) {
    if (std::optional<int64_t> at = timers->NextNs()) {
      next = std::min(next, *at);
    }
  }
  if (!stopping_ && plan_.end_ns != 0) next = std::min(next, plan_.end_ns);
  return next;
}

absl::Status LoadLoop::Run() {
  // Every thread starts at the same time.
  timespec start = {.tv_sec = plan_.start_ns / 1'000'000'000,
                    .tv_nsec = plan_.start_ns % 1'000'000'000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &start, nullptr) ==
         EINTR) {
  }
  now_ns_ = MonotonicNowNs();
  for (auto& c : connections_) Pump(*c);
  while (!Finished()) {
    RETURN_IF_ERROR(
        ring_->SubmitAndWait(absl::Nanoseconds(NextDeadlineNs() - now_ns_)));
    now_ns_ = MonotonicNowNs();
    ring_->ForEachCompletion(
        [this](const io_uring_cqe& cqe) { OnCompletion(cqe); });
    if (plan_.end_ns != 0 && now_ns_ >= plan_.end_ns) stopping_ = true;
    RunDueWakes();
    RunDueDeadlines();
    StartWaitingConnects();
    answered_so_far_.store(stats_.answered, std::memory_order_relaxed);
    errors_so_far_.store(stats_.error_total(), std::memory_order_relaxed);
  }
  for (const auto& c : connections_) {
    if (!c->pacer.has_value()) continue;
    stats_.late_sends += c->pacer->late_sends();
    stats_.max_send_lag_ns =
        std::max(stats_.max_send_lag_ns, c->pacer->max_lag_ns());
    // Due before the end but never sent: the schedule was not kept.
    if (plan_.end_ns != 0) {
      stats_.backlog_at_end += c->pacer->Backlog(plan_.end_ns - 1);
    }
  }
  return CloseAll();
}

absl::Status LoadLoop::CloseAll() {
  for (auto& c : connections_) {
    if (c->state != Connection::State::kClosing && c->fd.valid()) Close(*c);
  }
  int64_t give_up = now_ns_ + kCloseWaitNs;
  while (ops_in_ring_ > 0 && now_ns_ < give_up) {
    RETURN_IF_ERROR(ring_->SubmitAndWait(absl::Nanoseconds(give_up - now_ns_)));
    now_ns_ = MonotonicNowNs();
    ring_->ForEachCompletion(
        [this](const io_uring_cqe& cqe) { OnCompletion(cqe); });
  }
  return absl::OkStatus();
}

}  // namespace wasp::load
