#include "tools/soak/report.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace wasp::soak {
namespace {

std::vector<std::string> Fields(const std::string& line) {
  return absl::StrSplit(absl::StripSuffix(line, "\n"), ',');
}

SoakSample Sample() {
  SoakSample s;
  s.t_s = 12.04;
  s.http = {.alive = true, .rss_kib = 51200, .fds = 210, .pool_in_use = 3};
  s.hostile = {.alive = true, .rss_kib = 7000, .fds = 29, .guest_faults = 4};
  s.counts[static_cast<size_t>(TrafficKind::kOversized)] = {.expected = 9};
  s.counts[static_cast<size_t>(TrafficKind::kHostileEcho)] = {.ok = 7,
                                                              .unexpected = 1};
  return s;
}

TEST(SoakCsvTest, NamedColumnsAndOneValueEach) {
  std::vector<std::string> header = Fields(SoakCsvHeader());
  EXPECT_EQ(header, SoakCsvColumns());
  EXPECT_EQ(header.size(), 1 + 2 * 10 + 3 * kTrafficKinds);
  std::vector<std::string> row = Fields(SoakCsvRow(Sample()));
  ASSERT_EQ(row.size(), header.size());
  auto value = [&](const std::string& column) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == column) return row[i];
    }
    return std::string("(no column ") + column + ")";
  };
  EXPECT_EQ(value("t_s"), "12.0");
  EXPECT_EQ(value("http_alive"), "1");
  EXPECT_EQ(value("http_rss_kib"), "51200");
  EXPECT_EQ(value("http_fds"), "210");
  EXPECT_EQ(value("http_pool_in_use"), "3");
  EXPECT_EQ(value("hostile_guest_faults"), "4");
  EXPECT_EQ(value("oversized_expected"), "9");
  EXPECT_EQ(value("hostile_echo_ok"), "7");
  EXPECT_EQ(value("hostile_echo_unexpected"), "1");
  EXPECT_EQ(value("keepalive_ok"), "0");
}

TEST(SegmentsCsvTest, AHeaderAndARowPerSegment) {
  std::vector<SegmentResult> segments = {
      {.index = 0,
       .start_s = 0,
       .seconds = 30,
       .rate = 8000,
       .requests = 240000,
       .rps = 8000,
       .p50_us = 90,
       .p99_us = 310,
       .p999_us = 900,
       .max_us = 4000},
      {.index = 0, .kind = TrafficKind::kClose, .failure = "exited with 1"},
  };
  std::vector<std::string> lines =
      absl::StrSplit(SegmentsCsv(segments), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Fields(lines[0]), SegmentsCsvColumns());
  EXPECT_EQ(lines[1],
            "0,keepalive,0.0,30.0,8000,240000,8000.0,90,310,900,4000,0,0,1");
  EXPECT_EQ(Fields(lines[2])[1], "close");
  EXPECT_EQ(Fields(lines[2]).back(), "0");  // did not run
}

TEST(MarkdownTest, VerdictsTrafficServersAndSegments) {
  SoakRecord record;
  record.samples = {Sample(), Sample()};
  record.samples[1].http.rss_kib = 52000;
  record.end = record.samples[1];
  record.segments = {{.index = 0, .rps = 8000, .p99_us = 310}};
  RunInfo info = {.command = "wasp-soak --duration=10m", .max_rps = 10000};
  info.how[0] = "wasp-load, open loop";
  std::vector<Verdict> verdicts = {
      {.criterion = "no_unexpected_errors",
       .passed = false,
       .detail = "unexpected: hostile_echo 1"},
      {.criterion = "http_rss_flat", .passed = true, .detail = "+1.56%"}};
  std::string md = Markdown(info, record, verdicts);
  for (const char* part :
       {"`wasp-soak --duration=10m`", "**FAIL** (failed: no_unexpected_errors)",
        "| no_unexpected_errors | **FAIL** | unexpected: hostile_echo 1 |",
        "| http_rss_flat | pass | +1.56% |",
        "| keepalive | wasp-load, open loop | 0 | 0 | 0 |",
        "| hostile_echo |  | 7 | 0 | 1 |",
        "| http | 51200 | 52000 | 210 | 210 | 3 |",
        "| 0 | 0 | 8000 | 0 | 310 | 0 | 0 |", "10000 requests/s"}) {
    EXPECT_NE(md.find(part), std::string::npos) << part << " in:\n" << md;
  }
  verdicts[0].passed = true;
  EXPECT_NE(Markdown(info, record, verdicts).find("**PASS**"),
            std::string::npos);
}

TEST(GnuplotScriptTest, PlotsBothFilesIntoPngAndSvg) {
  std::string script = GnuplotScript("/tmp/soak");
  for (const char* part :
       {"'/tmp/soak/soak.csv'", "'/tmp/soak/segments.csv'",
        "'/tmp/soak/soak.%s'", "\"http_rss_kib\"", "\"http_fds\"", "\"p99_us\"",
        "\"http_connections_open\""}) {
    EXPECT_NE(script.find(part), std::string::npos) << part;
  }
  for (const std::string& column :
       {std::string("http_rss_kib"), std::string("hostile_fds")}) {
    std::vector<std::string> columns = SoakCsvColumns();
    EXPECT_NE(std::find(columns.begin(), columns.end(), column), columns.end());
  }
}

}  // namespace
}  // namespace wasp::soak
