#include "tools/load/connection_timers.h"

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

TEST(ConnectionTimersTest, FiresInTimeOrder) {
  ConnectionTimers timers(3);
  timers.Set(0, 300);
  timers.Set(1, 100);
  timers.Set(2, 200);
  EXPECT_EQ(timers.NextNs(), 100);
  EXPECT_FALSE(timers.PopDue(99).has_value());
  EXPECT_EQ(timers.PopDue(250), 1);
  EXPECT_EQ(timers.PopDue(250), 2);
  EXPECT_FALSE(timers.PopDue(250).has_value());
  EXPECT_EQ(timers.PopDue(300), 0);
  EXPECT_FALSE(timers.NextNs().has_value());
}

TEST(ConnectionTimersTest, KeepsTheEarliestPerConnection) {
  ConnectionTimers timers(1);
  timers.Set(0, 200);
  timers.Set(0, 300);  // later: the earlier one stays
  timers.Set(0, 100);  // earlier: replaces it
  EXPECT_EQ(timers.PopDue(1000), 0);
  // The entries at 200 and 300 were superseded.
  EXPECT_FALSE(timers.PopDue(1000).has_value());
}

TEST(ConnectionTimersTest, SetsAgainAfterFiring) {
  ConnectionTimers timers(1);
  timers.Set(0, 100);
  EXPECT_EQ(timers.PopDue(100), 0);
  timers.Set(0, 500);
  EXPECT_FALSE(timers.PopDue(400).has_value());
  EXPECT_EQ(timers.PopDue(500), 0);
}

}  // namespace
}  // namespace wasp::load
