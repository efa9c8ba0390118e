// An owned io_uring: setup with SINGLE_ISSUER|DEFER_TASKRUN where the kernel
// has them, submission that never fails for a full queue, and batched
// completion handling.
#ifndef WASP_NET_URING_H_
#define WASP_NET_URING_H_

#include <liburing.h>

#include <cstdint>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace wasp {

class Uring final {
 public:
  static absl::StatusOr<std::unique_ptr<Uring>> Create(unsigned entries);
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // A submission entry; submits pending ones first when the queue is full.
  io_uring_sqe* Sqe();
  // Submits, waits for at least one completion (or `timeout_ms`), then calls
  // `handle(cqe)` for every completion ready and advances the queue once.
  absl::Status SubmitAndWait(
      int timeout_ms, absl::FunctionRef<void(const io_uring_cqe&)> handle);
  io_uring* ring() { return &ring_; }

 private:
  Uring() = default;
  io_uring ring_;
};

}  // namespace wasp

#endif  // WASP_NET_URING_H_
