#include "net/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_format.h"
#include "engine/status_macros.h"
#include "net/accept.h"
#include "net/event_log.h"
#include "net/uring.h"

namespace wasp {
namespace {

constexpr int kBacklog = 4096;
constexpr uint64_t kAcceptTag = 1;

}  // namespace

absl::StatusOr<UniqueFd> ListenTcp(const std::string& address, int port) {
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (port < 0 || port > 65535 ||
      ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot listen on %s:%d: expected an IPv4 address and a port 0-65535",
        address, port));
  }
  UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket.valid()) return ErrnoError("socket", errno);
  int one = 1;
  ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) <
      0) {
    return ErrnoError(absl::StrFormat("bind to %s:%d", address, port), errno,
                      errno == EADDRINUSE ? "is another server running?" : "");
  }
  if (::listen(socket.get(), kBacklog) < 0) return ErrnoError("listen", errno);
  return socket;
}

absl::StatusOr<int> BoundPort(int socket) {
  sockaddr_in addr = {};
  socklen_t length = sizeof addr;
  if (::getsockname(socket, reinterpret_cast<sockaddr*>(&addr), &length) < 0) {
    return ErrnoError("getsockname", errno);
  }
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<Acceptor>> Acceptor::Start(
    UniqueFd listener, std::vector<Worker*> workers) {
  if (workers.empty()) {
    return absl::InvalidArgumentError("an acceptor needs at least one worker");
  }
  auto acceptor = std::unique_ptr<Acceptor>(
      new Acceptor(std::move(listener), std::move(workers)));
  acceptor->thread_ = std::thread(&Acceptor::Loop, acceptor.get());
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

void Acceptor::Loop() {
  absl::StatusOr<std::unique_ptr<Uring>> ring = Uring::Create(256);
  if (!ring.ok()) {
    LogEvent(absl::StrCat("acceptor: ", ring.status().ToString()));
    return;
  }
  MultishotAccept accept(listener_.get(), kAcceptTag);
  accept.Arm(**ring);
  while (!stop_) {
    absl::Status status =
        (*ring)->SubmitAndWait(100, [&](const io_uring_cqe& cqe) {
          UniqueFd socket = accept.Complete(**ring, cqe, stop_);
          if (socket.valid()) LeastLoaded()->Enqueue(std::move(socket));
        });
    if (!status.ok()) LogEvent(status.ToString());
    if (!stop_) accept.RearmIfDue(**ring);
  }
}

}  // namespace wasp
