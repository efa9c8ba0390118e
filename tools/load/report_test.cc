#include "tools/load/report.h"

#include <cerrno>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace wasp::load {
namespace {

LoadStats SampleStats() {
  LoadStats stats;
  stats.sent = 12;
  stats.answered = 10;
  stats.error(ErrorKind::kTimeout) = 1;
  stats.error(ErrorKind::kBadStatus) = 1;
  stats.status_classes[2] = 10;
  stats.status_classes[5] = 1;
  stats.bytes_received = 4000;
  stats.connected = 4;
  stats.connects = 6;
  stats.peak_open = 4;
  stats.connection_error(ConnectionError::kReset) = 1;
  stats.connection_error(ConnectionError::kOther) = 1;
  stats.last_other_errno = EMFILE;
  for (int i = 1; i <= 10; ++i) stats.latency.Record(i * 20);  // exact buckets
  return stats;
}

RunInfo SampleRun() {
  return {.target = "http://127.0.0.1:1/\"q\"",
          .protocol = "http",
          .connections = 4,
          .threads = 2,
          .duration_s = 2};
}

TEST(ReportTest, JsonHasTheDocumentedFields) {
  std::string json = JsonReport(SampleRun(), SampleStats());
  EXPECT_FALSE(absl::StrContains(json, "\n"));
  for (const char* field :
       {"\"requests\":10,", "\"sent\":12,", "\"answered\":10,",
        "\"errors\":{\"connect\":0,\"timeout\":1,\"reset\":0,"
        "\"bad_status\":1,\"short_read\":0,\"malformed\":0,\"total\":2}",
        "\"duration_s\":2.000000", "\"requests_per_sec\":5.000",
        "\"bytes_per_sec\":2000.000", "\"p50\":100,", "\"p90\":180,",
        "\"p99\":200,", "\"p999\":200,", "\"max\":200",
        "\"target\":\"http://127.0.0.1:1/\\\"q\\\"\"",
        "{\"low_us\":20,\"high_us\":20,\"count\":1}", "\"5xx\":1",
        "\"connected\":4,\"connects\":6,\"peak_open\":4,",
        "\"connection_errors\":{\"connect_refused\":0,\"connect_timeout\":0,"
        "\"reset\":1,\"closed\":0,\"read_timeout\":0,\"other\":1,"
        "\"total\":2}"}) {
    EXPECT_TRUE(absl::StrContains(json, field)) << field << "\n" << json;
  }
}

TEST(ReportTest, TextNamesEveryErrorKindAndPercentile) {
  std::string text = TextReport(SampleRun(), SampleStats());
  for (const char* part :
       {"10 answered of 12 sent", "timeout 1", "bad_status 1", "p99.9",
        "histogram", "5.0", "4 of 4 connections, 6 connects, 4 open at most",
        "connection errors 2 (connect_refused 0", "reset 1", "other 1",
        "the last other: Too many open files"}) {
    EXPECT_TRUE(absl::StrContains(text, part)) << part << "\n" << text;
  }
}

TEST(ReportTest, Units) {
  EXPECT_EQ(FormatMicros(750), "750 us");
  EXPECT_EQ(FormatMicros(12345), "12.35 ms");
  EXPECT_EQ(FormatMicros(1.5e6), "1.50 s");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
}

}  // namespace
}  // namespace wasp::load
