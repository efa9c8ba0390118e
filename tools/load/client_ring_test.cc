#include "tools/load/client_ring.h"

#include <memory>

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

// More submissions than the submission queue holds, from inside a
// completion handler too: Sqe() submits to make room, never fails.
TEST(ClientRingTest, AFullSubmissionQueueIsSubmittedNotAnError) {
  absl::StatusOr<std::unique_ptr<ClientRing>> ring = ClientRing::Create(4, 64);
  ASSERT_TRUE(ring.ok()) << ring.status();
  for (int i = 0; i < 20; ++i) {
    io_uring_prep_nop((*ring)->Sqe());
  }
  int completed = 0;
  bool resubmitted = false;
  for (int round = 0; round < 100 && completed < 40; ++round) {
    ASSERT_TRUE((*ring)->SubmitAndWait(100'000'000).ok());
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
}  // namespace wasp::load
