#include "net/native/process_session.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "guest/abi/hypercall.h"
#include "net/native/native_runtime.h"
#include "net/request_area.h"
#include "net/request_input.h"

namespace wasp {
namespace {

// waitid() on a pidfd (Linux 5.4); older glibc headers lack the constant.
constexpr idtype_t kPidfdIdType = static_cast<idtype_t>(3);  // P_PIDFD

// Exit statuses of a child that could not serve; the app's own exit code
// (serve's result, wasp_exit) is not a failure, as for a virtine.
constexpr int kSetupFailedExit = 120;
constexpr int kFaultExit = 121;

// -WASP_E* for a failed recv or send on a socket with SO_*TIMEO set.
long SocketError(int err) {
  if (err == EAGAIN || err == EWOULDBLOCK) return -WASP_ETIMEDOUT;
  if (err == ECONNRESET) return -WASP_ECONNRESET;
  return -WASP_EPIPE;
}

// The child's runtime: the app's socket calls are blocking syscalls.
// The CPU budget between two socket operations, as a virtine has: a
// profiling timer (CPU time, user and system) re-armed after each operation
// and stopped during it. Its signal ends the child.
class CpuBudget {
 public:
  explicit CpuBudget(absl::Duration budget)
      : budget_({.it_interval = {},
                 .it_value = budget == absl::InfiniteDuration() ||
                                     budget <= absl::ZeroDuration()
                                 ? timeval{}
                                 : absl::ToTimeval(budget)}) {
    Arm();
  }
  void Arm() const {
    if (budget_.it_value.tv_sec || budget_.it_value.tv_usec) {
      ::setitimer(ITIMER_PROF, &budget_, nullptr);
    }
  }
  void Stop() const {
    itimerval off = {};
    ::setitimer(ITIMER_PROF, &off, nullptr);
  }

 private:
  const itimerval budget_;
};

class BlockingHost final : public NativeHost {
 public:
  BlockingHost(const NativeApp& app, int socket,
               absl::Span<const uint8_t> config, absl::Duration io_timeout,
               absl::Duration cpu_budget)
      : app_(app),
        socket_(socket),
        config_(config),
        io_timeout_(io_timeout),
        request_deadline_(absl::Now() + io_timeout),
        budget_(cpu_budget) {}

  long Recv(absl::Span<uint8_t> in) override {
    budget_.Stop();
    long result = Receive(in);
    budget_.Arm();
    return result;
  }

  // A request must arrive whole within the timeout, counted from the start
  // or the last response, however the client trickles it in.
  long Receive(absl::Span<uint8_t> in) {
    if (in.empty()) return 0;  // as the worker answers an empty receive
    if (io_timeout_ != absl::InfiniteDuration() &&
        io_timeout_ > absl::ZeroDuration()) {
      timeval left = absl::ToTimeval(
          std::max(request_deadline_ - absl::Now(), absl::Milliseconds(1)));
      ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &left, sizeof left);
    }
    for (;;) {
      ssize_t n = ::recv(socket_, in.data(), in.size(), 0);
      if (n >= 0) return static_cast<long>(n);
      if (errno != EINTR) return SocketError(errno);
    }
  }

  long Send(absl::Span<const uint8_t> out) override {
    budget_.Stop();
    long result = SendAll(out);
    budget_.Arm();
    return result;
  }

  long SendAll(absl::Span<const uint8_t> out) {
    request_deadline_ = absl::Now() + io_timeout_;
    size_t sent = 0;
    while (sent < out.size()) {
      ssize_t n =
          ::send(socket_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<size_t>(n);
      } else if (errno != EINTR) {
        return SocketError(errno);
      }
    }
    return static_cast<long>(out.size());
  }

  long SendRecv(absl::Span<const uint8_t> out,
                absl::Span<uint8_t> in) override {
    budget_.Stop();
    long sent = SendAll(out);
    long result = sent < 0 ? sent : Receive(in);
    budget_.Arm();
    return result;
  }

  [[noreturn]] void SendClose(absl::Span<const uint8_t> out) override {
    budget_.Stop();
    (void)SendAll(out);
    Exit(0);
  }

  absl::Span<const uint8_t> Arg() override { return {}; }
  absl::Span<const uint8_t> Config() override { return config_; }
  [[noreturn]] void Exit(int) override { ::_exit(0); }
  AllocationArena* arena() override { return &arena_; }
  // What a request-scoped run allocated, once its output is sent.
  void FreeRun() { arena_.FreeAll(); }
  [[noreturn]] void Fault(std::string_view what) override {
    std::string message = absl::StrFormat("app %s: %s\n", app_.name, what);
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(kFaultExit);
  }

 private:
  const NativeApp& app_;
  const int socket_;
  const absl::Span<const uint8_t> config_;
  const absl::Duration io_timeout_;
  absl::Time request_deadline_;
  const CpuBudget budget_;
  AllocationArena arena_;
};

// A request-scoped app in a child: the worker's request loop with blocking
// calls. Returns when the connection is to be closed.
void ServeRequests(const NativeApp& app, BlockingHost& host) {
  std::vector<uint8_t> input(app.input_capacity);
  PendingInput pending;
  for (;;) {
    uint32_t flags = 0;
    while (!pending.Due(input.size())) {
      if (pending.Stuck(input.size())) return;
      std::vector<uint8_t> chunk(pending.Room(input.size()));
      long n = host.Recv(absl::MakeSpan(chunk));
      if (n > 0) {
        pending.Add(absl::MakeConstSpan(chunk.data(), static_cast<size_t>(n)));
        continue;
      }
      if (pending.empty() || (n < 0 && n != -WASP_ETIMEDOUT)) return;
      flags = n == 0 ? WASP_INPUT_EOF : WASP_INPUT_TIMEOUT;
      break;
    }
    size_t length = pending.size();
    std::memcpy(input.data(), pending.bytes().data(), length);
    wasp_request_area area = {.in = reinterpret_cast<uint64_t>(input.data()),
                              .in_cap = static_cast<uint32_t>(input.size()),
                              .in_len = static_cast<uint32_t>(length),
                              .in_flags = flags};
    int code = app.handle(&area);
    RunResult result = DecodeRequestArea(area, code, length, HostMemory);
    if (result.outcome != RunResult::Outcome::kAnswered) {
      host.Fault(result.failure);
    }
    for (const iovec& segment : result.output) {
      if (host.Send({static_cast<const uint8_t*>(segment.iov_base),
                     segment.iov_len}) < 0) {
        return;
      }
    }
    host.FreeRun();
    pending.AfterRun(result);
    if (result.close || flags != 0) return;
  }
}

void CloseAllFdsBut(int keep) {
  if (keep < 3) {
    ::close_range(3, ~0U, 0);
    return;
  }
  if (keep > 3) ::close_range(3, static_cast<unsigned>(keep) - 1, 0);
  ::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0);
}

// In the forked child: never returns. Other connections' sockets, the
// rings and the pidfds of other children are closed first, so that the
// child holds nothing open but its own connection.
[[noreturn]] void ServeInChild(const NativeApp& app, int socket,
                               absl::Span<const uint8_t> config,
                               const timeval& timeout,
                               absl::Duration cpu_budget, pid_t parent) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) {
    ::_exit(kSetupFailedExit);
  }
  CloseAllFdsBut(socket);
  int flags = ::fcntl(socket, F_GETFL);
  if (flags < 0 ||
      ((flags & O_NONBLOCK) != 0 &&
       ::fcntl(socket, F_SETFL, flags & ~O_NONBLOCK) != 0) ||
      ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) !=
          0 ||
      ::setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) !=
          0) {
    ::_exit(kSetupFailedExit);
  }
  BlockingHost host(app, socket, config, absl::DurationFromTimeval(timeout),
                    cpu_budget);
  ScopedNativeHost scope(&host);
  if (app.handle != nullptr) {
    ServeRequests(app, host);
  } else {
    app.serve();
  }
  ::_exit(0);
}

// A forked child, killed and reaped when destroyed unless reaped before.
class ChildProcess final {
 public:
  ChildProcess(pid_t pid, UniqueFd pidfd)
      : pid_(pid), pidfd_(std::move(pidfd)) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (reaped_) return;
    (void)::syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0);
    siginfo_t info;
    while (::waitid(kPidfdIdType, pidfd_.get(), &info, WEXITED) != 0 &&
           errno == EINTR) {
    }
  }

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }

  // The child's end, if it has ended (it is then reaped).
  absl::StatusOr<std::optional<siginfo_t>> TryReap() {
    siginfo_t info = {};
    while (::waitid(kPidfdIdType, pidfd_.get(), &info, WEXITED | WNOHANG) !=
           0) {
      if (errno != EINTR) return ErrnoError("waitid on a pidfd", errno);
    }
    if (info.si_pid == 0) return std::nullopt;
    reaped_ = true;
    return info;
  }

 private:
  const pid_t pid_;
  const UniqueFd pidfd_;
  bool reaped_ = false;
};

timeval SocketTimeout(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration() || timeout == absl::InfiniteDuration()) {
    return {};  // no limit
  }
  timeval tv = absl::ToTimeval(timeout);
  if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1;
  return tv;
}

IoRequest Outcome(const NativeApp& app, const siginfo_t& info) {
  IoRequest done{.kind = IoRequest::Kind::kDone};
  if (info.si_code == CLD_EXITED) {
    if (info.si_status == 0) return done;
    done.ending = IoRequest::Ending::kFailed;
    done.failure = absl::StrFormat(
        "app %s: child exited with status %d%s", app.name, info.si_status,
        info.si_status == kSetupFailedExit ? " (could not set up its socket)"
        : info.si_status == kFaultExit     ? " (the app faulted)"
                                           : "");
    return done;
  }
  const char* name = ::sigabbrev_np(info.si_status);
  done.ending = IoRequest::Ending::kFailed;
  done.failure =
      absl::StrFormat("app %s: child killed by signal %d (SIG%s)", app.name,
                      info.si_status, name != nullptr ? name : "?");
  return done;
}

class ProcessSession final : public Session {
 public:
  ProcessSession(const NativeApp& app,
                 std::shared_ptr<const std::vector<uint8_t>> config,
                 timeval timeout, absl::Duration cpu_budget)
      : app_(app),
        config_(std::move(config)),
        timeout_(timeout),
        cpu_budget_(cpu_budget) {}

  absl::Span<uint8_t> first_buffer() override { return {}; }
  bool does_own_io() const override { return true; }

  absl::StatusOr<IoRequest> Start(int socket, size_t) override {
    if (started_)
      return absl::FailedPreconditionError("session already started");
    started_ = true;
    absl::Span<const uint8_t> config;
    if (config_) config = *config_;
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return ErrnoError("fork", errno);
    if (pid == 0) {
      ServeInChild(app_, socket, config, timeout_, cpu_budget_, parent);
    }
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.valid()) {
      int err = errno;
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      return ErrnoError("pidfd_open", err);
    }
    child_.emplace(pid, std::move(pidfd));
    return Wait();
  }

  absl::StatusOr<IoRequest> Resume(int64_t) override {
    if (!child_) return absl::FailedPreconditionError("session not started");
    ASSIGN_OR_RETURN(std::optional<siginfo_t> ended, child_->TryReap());
    if (!ended) return Wait();  // woken early: wait again
    return Outcome(app_, *ended);
  }

 private:
  IoRequest Wait() const {
    return IoRequest{.kind = IoRequest::Kind::kWaitFd, .fd = child_->pidfd()};
  }

  const NativeApp app_;
  const std::shared_ptr<const std::vector<uint8_t>> config_;
  const timeval timeout_;
  const absl::Duration cpu_budget_;
  bool started_ = false;
  std::optional<ChildProcess> child_;  // killed and reaped with the session
};

// One worker's sessions; used by that worker's thread only (no locks).
class ProcessPool final : public SessionPool {
 public:
  ProcessPool(NativeApp app, size_t capacity,
              std::shared_ptr<const std::vector<uint8_t>> config,
              absl::Duration io_timeout, absl::Duration cpu_budget)
      : app_(app),
        capacity_(capacity),
        config_(std::move(config)),
        timeout_(SocketTimeout(io_timeout)),
        cpu_budget_(cpu_budget) {}

  absl::StatusOr<std::unique_ptr<Session>> Acquire() override {
    if (in_use_ >= capacity_) {
      return absl::ResourceExhaustedError(
          absl::StrFormat("all %d process sessions of app %s are in use",
                          capacity_, app_.name));
    }
    ++in_use_;
    return std::make_unique<ProcessSession>(app_, config_, timeout_,
                                            cpu_budget_);
  }

  absl::Status Release(std::unique_ptr<Session> session) override {
    if (session == nullptr) return absl::OkStatus();
    session.reset();  // kills and reaps a child that still runs
    --in_use_;
    return absl::OkStatus();
  }

  size_t in_use() const override { return in_use_; }
  size_t capacity() const override { return capacity_; }

 private:
  const NativeApp app_;
  const size_t capacity_;
  const std::shared_ptr<const std::vector<uint8_t>> config_;
  const timeval timeout_;
  const absl::Duration cpu_budget_;
  size_t in_use_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SessionPool>> MakeProcessPool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config,
    absl::Duration io_timeout, absl::Duration cpu_budget) {
  if (capacity == 0) {
    return absl::InvalidArgumentError("a process pool needs capacity >= 1");
  }
  RETURN_IF_ERROR(InitializeApp(app, config));
  return std::make_unique<ProcessPool>(app, capacity, std::move(config),
                                       io_timeout, cpu_budget);
}

}  // namespace wasp
