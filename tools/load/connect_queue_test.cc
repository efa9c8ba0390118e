#include "tools/load/connect_queue.h"

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

TEST(ConnectQueueTest, StartsUpToTheLimitThenQueues) {
  ConnectQueue queue(2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(queue.MayStart());
    queue.Started();
  }
  EXPECT_FALSE(queue.MayStart());
  queue.Wait({7, 1});
  queue.Wait({8, 1});
  EXPECT_FALSE(queue.Next().has_value());  // no slot is free yet
  queue.Done();
  std::optional<ConnectQueue::Waiter> next = queue.Next();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->index, 7);  // first come, first served
  queue.Started();
  EXPECT_FALSE(queue.Next().has_value());
  EXPECT_EQ(queue.in_flight(), 2);
  EXPECT_EQ(queue.waiting(), 1u);
}

TEST(ConnectQueueTest, NobodyJumpsTheQueue) {
  ConnectQueue queue(1);
  queue.Started();
  queue.Wait({3, 0});
  queue.Done();
  // A slot is free, but connection 3 waited first.
  EXPECT_FALSE(queue.MayStart());
  ASSERT_TRUE(queue.Next().has_value());
  EXPECT_TRUE(queue.MayStart());
}

}  // namespace
}  // namespace wasp::load
