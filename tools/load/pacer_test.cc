#include "tools/load/pacer.h"

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

TEST(PacerTest, IntendedTimesFollowTheInterval) {
  Pacer pacer(/*start_ns=*/1000, /*interval_ns=*/250);
  EXPECT_EQ(pacer.IntendedNs(0), 1000);
  EXPECT_EQ(pacer.IntendedNs(1), 1250);
  EXPECT_EQ(pacer.IntendedNs(4), 2000);
  EXPECT_FALSE(pacer.Due(999));
  EXPECT_TRUE(pacer.Due(1000));
}

TEST(PacerTest, DoesNotDriftWithFractionalIntervals) {
  // 3 requests/s per connection: 333,333,333.33 ns apart.
  const double interval = 1e9 / 3;
  Pacer pacer(0, interval);
  int64_t now = 0;
  for (int i = 0; i < 3'000'000; ++i) {
    now = pacer.NextDueNs();
    pacer.Take(now);
  }
  // Request 3,000,000 is due exactly one million seconds after the start;
  // adding a rounded interval each time would be off by 1 ms by now.
  EXPECT_EQ(pacer.NextDueNs(), 1'000'000'000'000'000);
  EXPECT_EQ(pacer.late_sends(), 0u);
  EXPECT_EQ(pacer.max_lag_ns(), 0);
}

TEST(PacerTest, LateSendsKeepTheirIntendedTime) {
  Pacer pacer(0, 1'000'000, Pacer::kUnlimited,
              /*late_after_ns=*/1'000'000);  // 1 ms apart
  // The sender stalls for 10.5 ms: it then catches up with what was due.
  const int64_t now = 10'500'000;
  EXPECT_EQ(pacer.Backlog(now), 11u);  // requests 0..10
  for (int i = 0; i <= 10; ++i) {
    EXPECT_TRUE(pacer.Due(now));
    EXPECT_EQ(pacer.Take(now), i * 1'000'000);  // not `now`
  }
  EXPECT_FALSE(pacer.Due(now));
  EXPECT_EQ(pacer.Backlog(now), 0u);
  // Lags 10.5, 9.5, ..., 0.5 ms: the ten above 1 ms count as late.
  EXPECT_EQ(pacer.late_sends(), 10u);
  EXPECT_EQ(pacer.max_lag_ns(), 10'500'000);
  EXPECT_EQ(pacer.total_lag_ns(), 11 * 10'500'000 - 55 * 1'000'000);
  // The schedule did not move: the next one is still at 11 ms.
  EXPECT_EQ(pacer.NextDueNs(), 11'000'000);
}

TEST(PacerTest, EarlyCallersWaitForTheSchedule) {
  Pacer pacer(5'000, 1'000);
  EXPECT_EQ(pacer.Backlog(4'999), 0u);
  EXPECT_EQ(pacer.Backlog(5'000), 1u);
  EXPECT_EQ(pacer.Backlog(7'999), 3u);
  EXPECT_EQ(pacer.Take(5'000), 5'000);
  EXPECT_EQ(pacer.Backlog(5'999), 0u);
  EXPECT_FALSE(pacer.Due(5'999));
}

TEST(PacerTest, StopsAtItsLimit) {
  Pacer pacer(0, 100, /*limit=*/3);
  for (int i = 0; i < 3; ++i) pacer.Take(1'000'000);
  EXPECT_TRUE(pacer.Exhausted());
  EXPECT_FALSE(pacer.Due(1'000'000'000));
  EXPECT_EQ(pacer.Backlog(1'000'000'000), 0u);
  EXPECT_EQ(pacer.taken(), 3u);
}

}  // namespace
}  // namespace wasp::load
