#include "tools/soak/criteria.h"

#include <vector>

#include "gtest/gtest.h"

namespace wasp::soak {
namespace {

TEST(ChooseFlatWindowsTest, MinutesFromFiveMinutesOn) {
  FlatWindows w = ChooseFlatWindows(600);
  EXPECT_EQ(w.reference.begin, 60u);
  EXPECT_EQ(w.reference.end, 120u);
  EXPECT_EQ(w.last.begin, 540u);
  EXPECT_EQ(w.last.end, 600u);
}

TEST(ChooseFlatWindowsTest, FractionsOfShorterRuns) {
  FlatWindows w = ChooseFlatWindows(20);
  EXPECT_EQ(w.reference.begin, 2u);  // 10% to 30%
  EXPECT_EQ(w.reference.end, 6u);
  EXPECT_EQ(w.last.begin, 16u);  // the last 20%
  EXPECT_EQ(w.last.end, 20u);
  FlatWindows odd = ChooseFlatWindows(299);
  EXPECT_EQ(odd.last.end - odd.last.begin, 60u);  // 59.8, rounded up
}

TEST(CheckFlatTest, WithinFivePercentEitherWay) {
  std::vector<double> series(100, 1000);
  EXPECT_TRUE(CheckFlat("rss", series).passed);
  for (size_t i = 80; i < 100; ++i) series[i] = 1049;
  EXPECT_TRUE(CheckFlat("rss", series).passed);
  for (size_t i = 80; i < 100; ++i) series[i] = 1051;
  Verdict grew = CheckFlat("rss", series);
  EXPECT_FALSE(grew.passed);
  EXPECT_EQ(grew.criterion, "rss");
  EXPECT_NE(grew.detail.find("+5.10%"), std::string::npos) << grew.detail;
  for (size_t i = 80; i < 100; ++i) series[i] = 900;
  EXPECT_FALSE(CheckFlat("rss", series).passed);
}

TEST(CheckFlatTest, StartUpAndTheFirstMinuteDoNotCount) {
  std::vector<double> series(600, 5000);
  for (size_t i = 0; i < 60; ++i) series[i] = 100 + i;  // warming up
  EXPECT_TRUE(CheckFlat("fds", series).passed);
  for (size_t i = 300; i < 600; ++i) series[i] = 5000 + (i - 300);  // a leak
  EXPECT_FALSE(CheckFlat("fds", series).passed);
}

TEST(CheckFlatTest, TooFewSamplesOrNothingMeasuredFail) {
  EXPECT_FALSE(CheckFlat("rss", std::vector<double>(9, 1)).passed);
  EXPECT_FALSE(CheckFlat("rss", std::vector<double>(50, 0)).passed);
}

TEST(CheckP99DriftTest, TheLastQuarterAgainstTheSegmentsBefore) {
  EXPECT_EQ(LateSegments(4), 3u);
  EXPECT_EQ(LateSegments(10), 3u);
  EXPECT_EQ(LateSegments(20), 5u);
  std::vector<double> steady(20, 3000);
  EXPECT_TRUE(CheckP99Drift(steady).passed);
  for (size_t i = 15; i < 20; ++i) steady[i] = 5900;
  EXPECT_TRUE(CheckP99Drift(steady).passed);
  for (size_t i = 15; i < 20; ++i) steady[i] = 3000 + 300 * (i - 14);
  steady[19] = 9000;
  EXPECT_TRUE(CheckP99Drift(steady).passed) << "median 3900";
  std::vector<double> drifting(20);
  for (size_t i = 0; i < 20; ++i) drifting[i] = 1000 + 500 * i;
  Verdict drifted = CheckP99Drift(drifting);
  EXPECT_FALSE(drifted.passed);
  EXPECT_EQ(drifted.criterion, "p99_no_drift");
  EXPECT_NE(drifted.detail.find("last 5 segments 9500 us, of the 15 before "
                                "4500 us"),
            std::string::npos)
      << drifted.detail;
}

TEST(CheckP99DriftTest, OneNoisySegmentIsNoDrift) {
  std::vector<double> p99(10, 3000);
  p99[9] = 400000;
  EXPECT_TRUE(CheckP99Drift(p99).passed);
  p99[8] = 400000;
  EXPECT_FALSE(CheckP99Drift(p99).passed);
}

TEST(CheckP99DriftTest, AMillisecondAboveASmallMedianIsNoise) {
  EXPECT_TRUE(CheckP99Drift({200, 210, 190, 200, 1150, 1150, 1150}).passed);
  EXPECT_FALSE(CheckP99Drift({200, 210, 190, 200, 1250, 1250, 1250}).passed);
}

TEST(CheckP99DriftTest, TheFloorIsAParameter) {
  std::vector<double> p99 = {20000, 20000, 20000, 20000, 4e6, 4e6, 4e6};
  EXPECT_FALSE(CheckP99Drift(p99).passed);
  Verdict lax = CheckP99Drift(p99, 5e6);
  EXPECT_TRUE(lax.passed);
  EXPECT_NE(lax.detail.find("+5000000 us"), std::string::npos) << lax.detail;
}

TEST(CheckP99DriftTest, NeedsFourSegments) {
  EXPECT_FALSE(CheckP99Drift({100, 100, 100}).passed);
}

TEST(CheckNoUnexpectedErrorsTest, ExpectedErrorsAndHostileFaultsAreFine) {
  AllCounts counts{};
  counts[static_cast<size_t>(TrafficKind::kKeepAlive)].ok = 1000;
  counts[static_cast<size_t>(TrafficKind::kOversized)].expected = 10;
  ServerSample http, hostile;
  hostile.guest_faults = 5;
  hostile.budget_timeouts = 5;
  Verdict v = CheckNoUnexpectedErrors(counts, http, hostile);
  EXPECT_TRUE(v.passed) << v.detail;
  EXPECT_NE(v.detail.find("1000 ok, 10 expected"), std::string::npos)
      << v.detail;
}

TEST(CheckNoUnexpectedErrorsTest, NamesEveryKindAndCounter) {
  AllCounts counts{};
  counts[static_cast<size_t>(TrafficKind::kSlowReader)].unexpected = 2;
  ServerSample http, hostile;
  http.guest_faults = 1;
  hostile.requests_rejected = 3;
  Verdict v = CheckNoUnexpectedErrors(counts, http, hostile);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.detail,
            "unexpected: slow_reader 2, http server guest_faults 1, hostile "
            "server requests_rejected 3");
}

SoakRecord SteadyRecord() {
  SoakRecord record;
  for (int i = 0; i < 30; ++i) {
    SoakSample s;
    s.t_s = i + 1;
    s.http = {.alive = true, .rss_kib = 50000, .fds = 200};
    s.hostile = {.alive = true, .rss_kib = 7000, .fds = 29};
    record.samples.push_back(s);
  }
  record.end = record.samples.back();
  for (int i = 0; i < 5; ++i) {
    record.segments.push_back({.index = i, .p99_us = 800});
    record.segments.push_back(
        {.index = i, .kind = TrafficKind::kClose, .p99_us = 90000});
  }
  record.hostile_answers_at_end = true;
  record.hostile_check = "echoed";
  return record;
}

TEST(EvaluateTest, ASteadyRunPassesEveryCriterion) {
  std::vector<Verdict> verdicts = Evaluate(SteadyRecord());
  ASSERT_EQ(verdicts.size(), 8u);
  for (const Verdict& v : verdicts) EXPECT_TRUE(v.passed) << v.criterion;
  EXPECT_TRUE(AllPassed(verdicts));
}

TEST(EvaluateTest, EachFailureIsNamed) {
  SoakRecord record = SteadyRecord();
  for (size_t i = 24; i < 30; ++i) record.samples[i].hostile.fds = 40;
  record.end.http.alive = false;
  record.hostile_answers_at_end = false;
  std::vector<std::string> failed;
  for (const Verdict& v : Evaluate(record)) {
    if (!v.passed) failed.push_back(v.criterion);
  }
  EXPECT_EQ(failed,
            (std::vector<std::string>{"servers_alive", "hostile_fds_flat",
                                      "hostile_answers"}));
}

}  // namespace
}  // namespace wasp::soak
