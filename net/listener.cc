#include "net/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/uring.h"
#include "net/accept.h"
#include "net/event_log.h"

namespace wasp {
namespace {

constexpr int kBacklog = 4096;
constexpr uint64_t kAcceptTag = 1;

}  // namespace

absl::StatusOr<UniqueFd> ListenTcp(const std::string& address, int port,
                                   bool reuseport) {
  // "::1" or "[::1]" is IPv6; anything else must be IPv4.
  std::string host = address;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  sockaddr_storage storage = {};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  bool valid_port = port >= 0 && port <= 65535;
  if (valid_port && ::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof *v4;
  } else if (valid_port &&
             ::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof *v6;
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot listen on %s port %d: expected an IPv4 or IPv6 address "
        "(127.0.0.1, ::1, [::]) and a port 0-65535",
        address, port));
  }
  UniqueFd socket(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket.valid()) return ErrnoError("socket", errno);
  int one = 1;
  ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // As nginx: [::] is IPv6 only; listen on 0.0.0.0 too for IPv4.
  if (storage.ss_family == AF_INET6) {
    ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (reuseport && ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEPORT, &one,
                                sizeof one) < 0) {
    return ErrnoError("setsockopt(SO_REUSEPORT)", errno);
  }
  if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&storage), length) < 0) {
    return ErrnoError(
        absl::StrFormat("bind to %s port %d", address, port), errno,
        errno == EADDRINUSE
            ? "is another server running? (--reuseport shares a port "
              "between processes that all ask for it)"
            : "");
  }
  if (::listen(socket.get(), kBacklog) < 0) return ErrnoError("listen", errno);
  return socket;
}

absl::StatusOr<int> BoundPort(int socket) {
  sockaddr_storage storage = {};
  socklen_t length = sizeof storage;
  if (::getsockname(socket, reinterpret_cast<sockaddr*>(&storage), &length) <
      0) {
    return ErrnoError("getsockname", errno);
  }
  return storage.ss_family == AF_INET6
             ? ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port)
             : ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

absl::StatusOr<std::unique_ptr<Acceptor>> Acceptor::Start(
    UniqueFd listener, std::vector<Worker*> workers) {
  if (workers.empty()) {
    return absl::InvalidArgumentError("an acceptor needs at least one worker");
  }
  auto acceptor = std::unique_ptr<Acceptor>(
      new Acceptor(std::move(listener), std::move(workers)));
  // The ring is made in the thread that submits to it (SINGLE_ISSUER) but
  // before Start returns: the sandbox, installed next, forbids io_uring_setup.
  absl::Status ready;
  std::latch started(1);
  acceptor->thread_ =
      std::thread(&Acceptor::Loop, acceptor.get(), &ready, &started);
  started.wait();
  if (!ready.ok()) {
    acceptor->thread_.join();
    return ready;
  }
  return acceptor;
}

Acceptor::~Acceptor() { Stop(); }

void Acceptor::Stop() {
  // Refuses new connections now: closing the fd alone would not while the
  // ring's pending accept (torn down asynchronously) still holds the socket.
  stop_ = true;
  if (listener_.valid()) ::shutdown(listener_.get(), SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  listener_.reset();
}

Worker* Acceptor::LeastLoaded() const {
  Worker* best = workers_.front();
  for (Worker* worker : workers_) {
    if (worker->load() < best->load()) best = worker;
  }
  return best;
}

void Acceptor::Loop(absl::Status* ready, std::latch* started) {
  absl::StatusOr<std::unique_ptr<Uring>> ring =
      Uring::Create({.allowed = {IORING_OP_ACCEPT, IORING_OP_TIMEOUT}});
  *ready = ring.status();
  started->count_down();  // `ready` and `started` are gone after this
  if (!ring.ok()) return;
  MultishotAccept accept(listener_.get(), kAcceptTag);
  accept.Arm(**ring);
  while (!stop_) {
    absl::Status status = (*ring)->SubmitAndWait(absl::Milliseconds(100));
    if (!status.ok()) LogEvent(status.ToString());
    (*ring)->ForEachCompletion([&](const io_uring_cqe& cqe) {
      absl::StatusOr<UniqueFd> socket = accept.Complete(**ring, cqe, stop_);
      if (!socket.ok()) {
        LeastLoaded()->CountAcceptError();
        LogEvent(absl::StrCat("acceptor: ", socket.status().ToString()));
      } else if (socket->valid()) {
        LeastLoaded()->Enqueue(*std::move(socket));
      }
    });
    if (!stop_) accept.RearmIfDue(**ring);
  }
}

}  // namespace wasp
