#include "net/accept.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/time/clock.h"

namespace wasp {
namespace {

constexpr absl::Duration kRetryPause = absl::Milliseconds(100);

}  // namespace

void MultishotAccept::Arm(Uring& ring) {
  io_uring_sqe* sqe = ring.Sqe();
  io_uring_prep_multishot_accept(sqe, listener_, nullptr, nullptr,
                                 SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, user_data_);
}

absl::StatusOr<UniqueFd> MultishotAccept::Complete(Uring& ring,
                                                   const io_uring_cqe& cqe,
                                                   bool stopping) {
  bool ended = !(cqe.flags & IORING_CQE_F_MORE);
  if (cqe.res >= 0) {
    UniqueFd socket(cqe.res);
    // Responses go out at once, not after Nagle's delay.
    int one = 1;
    ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (ended && !stopping) Arm(ring);
    return socket;
  }
  if (cqe.res == -EINVAL || stopping) return UniqueFd();
  if (ended) again_ = absl::Now() + kRetryPause;
  return absl::ErrnoToStatus(-cqe.res, "accept failed");
}

void MultishotAccept::RearmIfDue(Uring& ring) {
  // No clock read on the common path: nothing is waiting to be armed.
  if (again_ == absl::InfiniteFuture() || absl::Now() < again_) return;
  again_ = absl::InfiniteFuture();
  Arm(ring);
}

}  // namespace wasp
