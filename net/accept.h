// A multishot accept on a listening socket, armed on the caller's ring: how
// connections come in, whether the acceptor hands them out or a lone worker
// accepts them itself.
#ifndef WASP_NET_ACCEPT_H_
#define WASP_NET_ACCEPT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"
#include "base/uring.h"

namespace wasp {

class MultishotAccept final {
 public:
  // Completions carry `user_data`.
  MultishotAccept(int listener, uint64_t user_data)
      : listener_(listener), user_data_(user_data) {}

  void Arm(Uring& ring);
  // The connection a completion carries (TCP_NODELAY set); an invalid fd
  // once the listener is shut down (EINVAL) or while `stopping`, when
  // nothing is armed again. An error is a failed accept (out of descriptors
  // or memory): connections wait in the backlog and accepting resumes at
  // RearmIfDue a tick later, not in a failing loop.
  absl::StatusOr<UniqueFd> Complete(Uring& ring, const io_uring_cqe& cqe,
                                    bool stopping);
  // Call once per loop iteration.
  void RearmIfDue(Uring& ring);

 private:
  const int listener_;
  const uint64_t user_data_;
  absl::Time again_ = absl::InfiniteFuture();
};

}  // namespace wasp

#endif  // WASP_NET_ACCEPT_H_
