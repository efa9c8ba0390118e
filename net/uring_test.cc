#include "net/uring.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "gtest/gtest.h"

namespace wasp {
namespace {

// Submits what `prepare` puts in one entry; that entry's result.
template <typename Prepare>
int SubmitOne(Uring& ring, Prepare prepare) {
  prepare(ring.Sqe());
  std::vector<int> results;
  while (results.empty()) {
    absl::Status status = ring.SubmitAndWait(
        1000, [&](const io_uring_cqe& cqe) { results.push_back(cqe.res); });
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok()) return -1;
  }
  return results.front();
}

TEST(UringTest, RunsTheOperationsItAllows) {
  auto ring = Uring::Create(8, {IORING_OP_READ});
  ASSERT_TRUE(ring.ok()) << ring.status();
  int wake = eventfd(1, EFD_CLOEXEC);
  ASSERT_GE(wake, 0);
  uint64_t value = 0;
  int result = SubmitOne(**ring, [&](io_uring_sqe* sqe) {
    io_uring_prep_read(sqe, wake, &value, sizeof value, 0);
  });
  EXPECT_EQ(result, static_cast<int>(sizeof value));
  EXPECT_EQ(value, 1u);
  close(wake);
}

// A worker compromised through its ring could not open files, connect or
// run anything the ring was not built for.
TEST(UringTest, RefusesEveryOtherOperation) {
  auto ring = Uring::Create(8, {IORING_OP_READ});
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(SubmitOne(**ring,
                      [](io_uring_sqe* sqe) {
                        io_uring_prep_openat(sqe, AT_FDCWD, "/etc/hostname",
                                             O_RDONLY, 0);
                      }),
            -EACCES);
  EXPECT_EQ(
      SubmitOne(**ring, [](io_uring_sqe* sqe) { io_uring_prep_nop(sqe); }),
      -EACCES);
}

TEST(UringTest, RefusesFlagsOtherThanLink) {
  auto ring = Uring::Create(8, {IORING_OP_READ});
  ASSERT_TRUE(ring.ok()) << ring.status();
  int wake = eventfd(1, EFD_CLOEXEC);
  uint64_t value = 0;
  int result = SubmitOne(**ring, [&](io_uring_sqe* sqe) {
    io_uring_prep_read(sqe, wake, &value, sizeof value, 0);
    sqe->flags |= IOSQE_ASYNC;
  });
  EXPECT_EQ(result, -EACCES);
  close(wake);
}

}  // namespace
}  // namespace wasp
