// The load generator's own io_uring (the pattern of net/uring.h, kept apart
// so that the client does not depend on the server's dataplane): setup with
// SINGLE_ISSUER|DEFER_TASKRUN where the kernel has them, a completion queue
// sized for every operation in flight, submission that never fails for a
// full queue, batched completions.
#ifndef WASP_TOOLS_LOAD_CLIENT_RING_H_
#define WASP_TOOLS_LOAD_CLIENT_RING_H_

#include <liburing.h>

#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace wasp::load {

class ClientRing final {
 public:
  // `sq_entries` submissions at once; room for `cq_entries` completions
  // (clamped to the kernel's maximum).
  static absl::StatusOr<std::unique_ptr<ClientRing>> Create(
      unsigned sq_entries, unsigned cq_entries);
  ~ClientRing();
  ClientRing(const ClientRing&) = delete;
  ClientRing& operator=(const ClientRing&) = delete;

  // A submission entry; submits pending ones first when the queue is full.
  io_uring_sqe* Sqe();
  // Submits, then waits up to `timeout_ns` for a completion.
  absl::Status SubmitAndWait(int64_t timeout_ns);
  // Calls `handle(cqe)` for every completion ready when called. Takes them
  // out in batches, advancing the queue before handling, so that handlers
  // may submit without the completion queue filling up.
  void ForEachCompletion(absl::FunctionRef<void(const io_uring_cqe&)> handle);
  bool deferred_taskrun() const { return deferred_taskrun_; }

 private:
  ClientRing() = default;
  io_uring ring_;
  bool deferred_taskrun_ = false;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_CLIENT_RING_H_
