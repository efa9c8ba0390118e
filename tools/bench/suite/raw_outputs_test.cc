#include "tools/bench/suite/raw_outputs.h"

#include "gtest/gtest.h"

namespace wasp::bench {
namespace {

TEST(ExitRoundTripUsTest, ReadsRealTimeInItsUnit) {
  std::string csv =
      "name,iterations,real_time,cpu_time,time_unit,bytes_per_second\n"
      "\"BM_HypercallDispatch\",100,5,5,us,,\n"
      "\"BM_RawExitRoundTrip\",1000,21500,21000,ns,,\n";
  EXPECT_DOUBLE_EQ(*ExitRoundTripUs(csv), 21.5);
  EXPECT_FALSE(ExitRoundTripUs("").has_value());
}

TEST(FigureSectionTest, FromItsHeaderToTheEnd) {
  EXPECT_EQ(FigureSection("BM_X 1 us\n\nfigure   us/op\nfig 8  2\n"),
            "figure   us/op\nfig 8  2\n");
  EXPECT_EQ(FigureSection("no figures\n"), "");
}

TEST(LogEventsTest, CountsWhatIsNotStartOrStop) {
  std::string log =
      "2026/12/07 20:01:02 wasp-server: listening on 127.0.0.1:1234\n"
      "2026/12/07 20:01:03 worker 0: guest fault\n"
      "2026/12/07 20:01:04 worker 0: guest fault\n"
      "2026/12/07 20:01:05 worker 0: reset failed\n"
      "wasp-server: stopped\n";
  std::vector<std::pair<int, std::string>> events = LogEvents(log, 5);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0],
            (std::pair<int, std::string>{2, "worker 0: guest fault"}));
  EXPECT_EQ(LogEvents(log, 1).size(), 1u);
}

TEST(BusyFractionTest, IdleAndIowaitAreIdle) {
  EXPECT_DOUBLE_EQ(*BusyFraction("cpu  100 0 100 700 100 0 0 0 0 0",
                                 "cpu  150 0 150 1500 200 0 0 0 0 0"),
                   0.1);
  EXPECT_FALSE(BusyFraction("", "").has_value());
}

}  // namespace
}  // namespace wasp::bench
