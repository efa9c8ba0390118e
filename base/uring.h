// The one owned io_uring of the server and the load tool: setup with
// SINGLE_ISSUER|DEFER_TASKRUN where the kernel has them, optionally
// restricted to the operations its owner submits (ring operations bypass
// seccomp), submission that never fails for a full queue, and completions
// taken out in batches.
#ifndef WASP_BASE_URING_H_
#define WASP_BASE_URING_H_

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wasp {

struct UringOptions {
  unsigned entries = 256;  // submissions at once
  // Room for completions (clamped to the kernel's maximum); 0: twice
  // `entries`, the kernel's default.
  unsigned cq_entries = 0;
  // If not empty, the only operations (IORING_OP_*) the ring runs, with
  // IOSQE_IO_LINK as the only flag; anything else completes with -EACCES.
  std::vector<io_uring_op> allowed;
};

class Uring final {
 public:
  static absl::StatusOr<std::unique_ptr<Uring>> Create(
      const UringOptions& options);
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // A submission entry; submits pending ones first when the queue is full.
  io_uring_sqe* Sqe();
  // Submits, then waits up to `timeout` for at least one completion.
  absl::Status SubmitAndWait(absl::Duration timeout);
  // Calls `handle(cqe)` for every completion ready when called. Takes them
  // out in batches, advancing the queue before handling, so that handlers
  // may submit without the completion queue filling up.
  void ForEachCompletion(absl::FunctionRef<void(const io_uring_cqe&)> handle);

 private:
  Uring() = default;
  absl::Status Restrict(const std::vector<io_uring_op>& allowed);

  io_uring ring_;
  bool initialized_ = false;
};

}  // namespace wasp

#endif  // WASP_BASE_URING_H_
