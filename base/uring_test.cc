#include "base/uring.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
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
    absl::Status status = ring.SubmitAndWait(absl::Seconds(1));
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok()) return -1;
    ring.ForEachCompletion(
        [&](const io_uring_cqe& cqe) { results.push_back(cqe.res); });
  }
  return results.front();
}

TEST(UringTest, RunsTheOperationsItAllows) {
  auto ring = Uring::Create({.entries = 8, .allowed = {IORING_OP_READ}});
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
  auto ring = Uring::Create({.entries = 8, .allowed = {IORING_OP_READ}});
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
  auto ring = Uring::Create({.entries = 8, .allowed = {IORING_OP_READ}});
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

// More submissions than the submission queue holds, from inside a
// completion handler too: Sqe() submits to make room, never fails.
TEST(UringTest, AFullSubmissionQueueIsSubmittedNotAnError) {
  absl::StatusOr<std::unique_ptr<Uring>> ring =
      Uring::Create({.entries = 4, .cq_entries = 64});
  ASSERT_TRUE(ring.ok()) << ring.status();
  for (int i = 0; i < 20; ++i) {
    io_uring_prep_nop((*ring)->Sqe());
  }
  int completed = 0;
  bool resubmitted = false;
  for (int round = 0; round < 100 && completed < 40; ++round) {
    ASSERT_TRUE((*ring)->SubmitAndWait(absl::Milliseconds(100)).ok());
    (*ring)->ForEachCompletion([&](const io_uring_cqe& cqe) {
      EXPECT_EQ(cqe.res, 0);
      ++completed;
      if (resubmitted) return;
      resubmitted = true;
      for (int i = 0; i < 20; ++i) io_uring_prep_nop((*ring)->Sqe());
    });
  }
  EXPECT_EQ(completed, 40);
}

}  // namespace
}  // namespace wasp
