#include "tools/soak/load_segments.h"

#include "gtest/gtest.h"

namespace wasp::soak {
namespace {

// A wasp-load --json report, shortened.
constexpr char kReport[] =
    R"({"target": "http://127.0.0.1:1/index.html", "protocol": "http", )"
    R"("mode": "open", "rate": 8000.0, "duration_s": 29.9, "requests": 239000, )"
    R"("sent": 239003, "answered": 239000, "errors": {"connect": 0, )"
    R"("timeout": 2, "reset": 1, "bad_status": 0, "short_read": 0, )"
    R"("malformed": 0, "total": 3}, "connection_errors": {"connect_refused": )"
    R"(0, "connect_timeout": 0, "reset": 1, "closed": 0, "read_timeout": 0, )"
    R"("other": 0, "total": 1}, "requests_per_sec": 7993.3, )"
    R"("latency_us": {"p50": 95, "p90": 150, "p99": 310, "p999": 900, )"
    R"("min": 40, "mean": 101.5, "max": 4100}})";

TEST(ParseLoadReportTest, ReadsTheNumbers) {
  SegmentResult r = ParseLoadReport(kReport);
  EXPECT_DOUBLE_EQ(r.seconds, 29.9);
  EXPECT_EQ(r.requests, 239000u);
  EXPECT_DOUBLE_EQ(r.rps, 7993.3);
  EXPECT_EQ(r.p50_us, 95);
  EXPECT_EQ(r.p99_us, 310);
  EXPECT_EQ(r.p999_us, 900);
  EXPECT_EQ(r.max_us, 4100);
  EXPECT_EQ(r.errors, 3u);
  EXPECT_EQ(r.connection_errors, 1u);
}

TEST(CountSegmentTest, AnsweredOkEveryFailureUnexpected) {
  TrafficCounters counters;
  SegmentResult r = ParseLoadReport(kReport);
  r.kind = TrafficKind::kPipelined;
  CountSegment(r, counters);
  SegmentResult failed = {.kind = TrafficKind::kClose, .failure = "exit 2"};
  CountSegment(failed, counters);
  AllCounts counts = counters.Snapshot();
  const KindCounts& pipelined =
      counts[static_cast<size_t>(TrafficKind::kPipelined)];
  EXPECT_EQ(pipelined.ok, 239000u);
  EXPECT_EQ(pipelined.unexpected, 4u);
  EXPECT_EQ(counts[static_cast<size_t>(TrafficKind::kClose)].unexpected, 1u);
  ASSERT_EQ(counters.Details().size(), 2u);
  EXPECT_EQ(counters.Details()[1], "close: exit 2");
}

}  // namespace
}  // namespace wasp::soak
