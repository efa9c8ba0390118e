#include "tools/load/client_ring.h"

#include <algorithm>
#include <cerrno>

#include "base/status_macros.h"

namespace wasp::load {

absl::StatusOr<std::unique_ptr<ClientRing>> ClientRing::Create(
    unsigned sq_entries, unsigned cq_entries) {
  auto ring = std::unique_ptr<ClientRing>(new ClientRing());
  io_uring_params params = {};
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
                 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  params.cq_entries = cq_entries;
  int err = io_uring_queue_init_params(sq_entries, &ring->ring_, &params);
  ring->deferred_taskrun_ = err == 0;
  if (err == -EINVAL) {
    // Kernels before 6.1 refuse the last two flags.
    params = {};
    params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
    params.cq_entries = cq_entries;
    err = io_uring_queue_init_params(sq_entries, &ring->ring_, &params);
  }
  if (err < 0) {
    return ErrnoError("io_uring_queue_init", -err,
                      "is io_uring enabled (kernel.io_uring_disabled)?");
  }
  return ring;
}

ClientRing::~ClientRing() { io_uring_queue_exit(&ring_); }

io_uring_sqe* ClientRing::Sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

absl::Status ClientRing::SubmitAndWait(int64_t timeout_ns) {
  if (timeout_ns < 0) timeout_ns = 0;
  __kernel_timespec timeout = {.tv_sec = timeout_ns / 1'000'000'000,
                               .tv_nsec = timeout_ns % 1'000'000'000};
  io_uring_cqe* cqe = nullptr;
  int err =
      io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
  if (err < 0 && err != -ETIME && err != -EINTR && err != -EAGAIN &&
      err != -EBUSY) {
    return ErrnoError("io_uring_submit_and_wait_timeout", -err);
  }
  return absl::OkStatus();
}

void ClientRing::ForEachCompletion(
    absl::FunctionRef<void(const io_uring_cqe&)> handle) {
  constexpr unsigned kBatch = 256;
  io_uring_cqe* ready[kBatch];
  io_uring_cqe batch[kBatch];
  // Only what is ready now: handlers' own completions wait for the next call.
  unsigned left = io_uring_cq_ready(&ring_);
  while (left > 0) {
    unsigned count =
        io_uring_peek_batch_cqe(&ring_, ready, std::min(left, kBatch));
    if (count == 0) break;
    for (unsigned i = 0; i < count; ++i) batch[i] = *ready[i];
    io_uring_cq_advance(&ring_, count);
    left -= count;
    for (unsigned i = 0; i < count; ++i) handle(batch[i]);
  }
}

}  // namespace wasp::load
