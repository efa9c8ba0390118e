#include "net/uring.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/status_macros.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<Uring>> Uring::Create(
    unsigned entries, std::initializer_list<io_uring_op> opcodes) {
  auto uring = std::unique_ptr<Uring>(new Uring());
  io_uring_params params = {};
  // Disabled until restricted: no operation runs before the allowlist.
  params.flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SINGLE_ISSUER |
                 IORING_SETUP_DEFER_TASKRUN;
  int err = io_uring_queue_init_params(entries, &uring->ring_, &params);
  if (err == -EINVAL) {
    // Kernels before 6.1 refuse the last two flags.
    params = {};
    params.flags = IORING_SETUP_R_DISABLED;
    err = io_uring_queue_init_params(entries, &uring->ring_, &params);
  }
  if (err < 0) {
    return ErrnoError("io_uring_queue_init", -err,
                      "is io_uring enabled (kernel.io_uring_disabled)?");
  }
  uring->initialized_ = true;
  std::vector<io_uring_restriction> restrictions;
  for (io_uring_op opcode : opcodes) {
    restrictions.push_back({.opcode = IORING_RESTRICTION_SQE_OP,
                            .sqe_op = static_cast<uint8_t>(opcode)});
  }
  restrictions.push_back({.opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
                          .sqe_flags = IOSQE_IO_LINK});
  // Debian's liburing 2.3 declares io_uring_register_restrictions and
  // io_uring_enable_rings but does not export them: the raw call instead.
  int fd = uring->ring_.ring_fd;
  err = io_uring_register(fd, IORING_REGISTER_RESTRICTIONS, restrictions.data(),
                          restrictions.size());
  if (err < 0) return ErrnoError("IORING_REGISTER_RESTRICTIONS", -err);
  err = io_uring_register(fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
  if (err < 0) return ErrnoError("IORING_REGISTER_ENABLE_RINGS", -err);
  return uring;
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

absl::Status Uring::SubmitAndWait(
    int timeout_ms, absl::FunctionRef<void(const io_uring_cqe&)> handle) {
  __kernel_timespec timeout = {.tv_sec = timeout_ms / 1000,
                               .tv_nsec = (timeout_ms % 1000) * 1000000ll};
  io_uring_cqe* cqe = nullptr;
  int err =
      io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
  if (err < 0 && err != -ETIME && err != -EINTR) {
    return ErrnoError("io_uring_submit_and_wait_timeout", -err);
  }
  unsigned head, count = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    handle(*cqe);
    ++count;
  }
  io_uring_cq_advance(&ring_, count);
  return absl::OkStatus();
}

}  // namespace wasp
