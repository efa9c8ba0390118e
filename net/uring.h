// An owned io_uring: setup with SINGLE_ISSUER|DEFER_TASKRUN where the kernel
// has them, restricted to the operations its owner submits (ring operations
// bypass seccomp), submission that never fails for a full queue, and batched
// completion handling.
#ifndef WASP_NET_URING_H_
#define WASP_NET_URING_H_

#include <liburing.h>

#include <cstdint>
#include <initializer_list>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace wasp {

class Uring final {
 public:
  // A ring that accepts only `opcodes` (IORING_OP_*), with IOSQE_IO_LINK
  // as the only flag; anything else completes with -EACCES.
  static absl::StatusOr<std::unique_ptr<Uring>> Create(
      unsigned entries, std::initializer_list<io_uring_op> opcodes);
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // A submission entry; submits pending ones first when the queue is full.
  io_uring_sqe* Sqe();
  // Submits, waits for at least one completion (or `timeout_ms`), then calls
  // `handle(cqe)` for every completion ready and advances the queue once.
  absl::Status SubmitAndWait(
      int timeout_ms, absl::FunctionRef<void(const io_uring_cqe&)> handle);

 private:
  Uring() = default;
  io_uring ring_;
  bool initialized_ = false;
};

}  // namespace wasp

#endif  // WASP_NET_URING_H_
