#include "base/uring.h"

#include <algorithm>
#include <cerrno>

#include "base/status_macros.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<Uring>> Uring::Create(
    const UringOptions& options) {
  auto uring = std::unique_ptr<Uring>(new Uring());
  // A restricted ring starts disabled: no operation runs before its
  // allowlist.
  const unsigned disabled =
      options.allowed.empty() ? 0 : IORING_SETUP_R_DISABLED;
  const unsigned cq_size =
      options.cq_entries == 0 ? 0 : IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  io_uring_params params = {};
  params.flags = disabled | cq_size | IORING_SETUP_SINGLE_ISSUER |
                 IORING_SETUP_DEFER_TASKRUN;
  params.cq_entries = options.cq_entries;
  int err = io_uring_queue_init_params(options.entries, &uring->ring_, &params);
  if (err == -EINVAL) {
    // Kernels before 6.1 refuse the last two flags.
    params = {};
    params.flags = disabled | cq_size;
    params.cq_entries = options.cq_entries;
    err = io_uring_queue_init_params(options.entries, &uring->ring_, &params);
  }
  if (err < 0) {
    return ErrnoError("io_uring_queue_init", -err,
                      "is io_uring enabled (kernel.io_uring_disabled)?");
  }
  uring->initialized_ = true;
  if (!options.allowed.empty())
    RETURN_IF_ERROR(uring->Restrict(options.allowed));
  return uring;
}

absl::Status Uring::Restrict(const std::vector<io_uring_op>& allowed) {
  std::vector<io_uring_restriction> restrictions;
  for (io_uring_op opcode : allowed) {
    restrictions.push_back({.opcode = IORING_RESTRICTION_SQE_OP,
                            .sqe_op = static_cast<uint8_t>(opcode)});
  }
  restrictions.push_back({.opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
                          .sqe_flags = IOSQE_IO_LINK});
  // Debian's liburing 2.3 declares io_uring_register_restrictions and
  // io_uring_enable_rings but does not export them: the raw call instead.
  int fd = ring_.ring_fd;
  int err = io_uring_register(fd, IORING_REGISTER_RESTRICTIONS,
                              restrictions.data(), restrictions.size());
  if (err < 0) return ErrnoError("IORING_REGISTER_RESTRICTIONS", -err);
  err = io_uring_register(fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
  if (err < 0) return ErrnoError("IORING_REGISTER_ENABLE_RINGS", -err);
  return absl::OkStatus();
}

Uring::~Uring() {
  if (initialized_) io_uring_queue_exit(&ring_);
}

io_uring_sqe* Uring::Sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

absl::Status Uring::SubmitAndWait(absl::Duration timeout) {
  const timespec t = absl::ToTimespec(std::max(timeout, absl::ZeroDuration()));
  __kernel_timespec wait = {.tv_sec = t.tv_sec, .tv_nsec = t.tv_nsec};
  io_uring_cqe* cqe = nullptr;
  int err = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &wait, nullptr);
  // Timed out, interrupted, or the kernel is short of room for now: the
  // caller's loop comes back.
  if (err < 0 && err != -ETIME && err != -EINTR && err != -EAGAIN &&
      err != -EBUSY) {
    return ErrnoError("io_uring_submit_and_wait_timeout", -err);
  }
  return absl::OkStatus();
}

void Uring::ForEachCompletion(
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

}  // namespace wasp
