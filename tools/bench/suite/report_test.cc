#include "tools/bench/suite/report.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tools/bench/suite/readme.h"
#include "tools/bench/suite/scenarios.h"

namespace wasp::bench {
namespace {

Record Http(const std::string& config, bool keepalive, int connections,
            std::optional<double> rps, const std::string& file = "small.html") {
  Record r;
  r.run = Measurement{.scenario = "http",
                      .config = config,
                      .app = "http",
                      .file = file,
                      .keepalive = keepalive,
                      .connections = connections};
  r.duration_s = 5;
  r.load.requests_per_sec = rps;
  return r;
}

TEST(DeriveHttpTest, RatioToNoneAndTheExitBoundCeiling) {
  std::vector<Record> records = {Http("virtine", true, 8, 8000),
                                 Http("none", true, 8, 10000),
                                 Http("process", true, 8, 2000)};
  DeriveHttp(records, 100.0);
  // t = 100 us per request natively, e = 100 us: ceiling 5,000 requests/s.
  EXPECT_DOUBLE_EQ(*records[0].ratio_to_none, 0.8);
  EXPECT_DOUBLE_EQ(*records[0].ceiling_rps, 5000);
  EXPECT_DOUBLE_EQ(*records[0].fraction_of_ceiling, 1.6);
  EXPECT_DOUBLE_EQ(*records[1].ratio_to_none, 1);
  EXPECT_FALSE(records[2].fraction_of_ceiling.has_value());  // not a virtine
}

TEST(DeriveHttpTest, NoBaselineNoRatios) {
  std::vector<Record> records = {Http("virtine", true, 8, 8000),
                                 Http("none", true, 8, std::nullopt)};
  records[1].status = "failed: no responses (3 errors)";
  DeriveHttp(records, 20.0);
  EXPECT_FALSE(records[0].ratio_to_none.has_value());
  EXPECT_FALSE(records[0].ceiling_rps.has_value());
}

TEST(DeriveHttpTest, ScalingAgainstOneWorker) {
  Record one = Http("virtine", true, 32, 1000);
  Record two = Http("virtine", true, 32, 1800);
  one.run.scenario = two.run.scenario = "scaling";
  two.run.placement = {.workers = 2, .server_cpus = "0,1", .load_cpus = "0,1"};
  std::vector<Record> records = {one, two};
  DeriveHttp(records, std::nullopt);
  EXPECT_DOUBLE_EQ(*records[1].ratio_to_one_worker, 1.8);
  EXPECT_FALSE(records[1].ceiling_rps.has_value());
}

TEST(DeriveEchoTest, MibPerSecondAndRatioToNone) {
  Record virtine = Http("virtine", true, 8, 1024);
  virtine.run.payload_bytes = 1024;
  Record none = Http("none", true, 8, 2048);
  none.run.payload_bytes = 1024;
  std::vector<Record> records = {virtine, none};
  DeriveEcho(records);
  EXPECT_DOUBLE_EQ(*records[0].mib_per_sec, 1);
  EXPECT_DOUBLE_EQ(*records[0].ratio_to_none, 0.5);
}

TEST(TargetsTest, EachTargetPerGroup) {
  std::vector<Record> http = {
      Http("virtine", true, 8, 9000), Http("none", true, 8, 10000),
      Http("virtine", false, 8, 6000), Http("process", false, 8, 1000),
      Http("virtine-fresh", false, 8, 500)};
  DeriveHttp(http, 10.0);
  std::vector<TargetRow> targets = Targets(http);
  ASSERT_EQ(targets.size(), 3u);
  // Ceiling 1e6 / (100 + 10) = 9,091: 9,000 is 99% of it.
  EXPECT_NEAR(*targets[0].measured, 0.99, 0.01);
  EXPECT_EQ(targets[0].Verdict(), "yes");
  EXPECT_DOUBLE_EQ(*targets[1].measured, 6);
  EXPECT_EQ(targets[1].Verdict(), "yes");
  EXPECT_DOUBLE_EQ(*targets[2].measured, 12);
  EXPECT_EQ(targets[2].Verdict(), "**no**");
  EXPECT_TRUE(absl::StrContains(TargetsTable(targets), "| 12.0x | **no** |"));
}

TEST(TargetsTest, MissingRowsHaveNoData) {
  std::vector<TargetRow> targets = Targets({Http("none", true, 1, 10)});
  ASSERT_FALSE(targets.empty());
  EXPECT_EQ(targets[0].Verdict(), "no data");
}

TEST(LoadCheckTest, BestRoundOfEachToolCounts) {
  auto round = [](const char* server, const char* tool, double rps) {
    return LoadCheckRecord{
        .server = server, .tool = tool, .load = {.requests_per_sec = rps}};
  };
  std::vector<LoadCheckRow> rows = LoadCheck(
      {round("none", "wrk", 100), round("none", "wasp-load", 90),
       round("none", "wrk", 80), round("none", "wasp-load", 105),
       round("virtine", "wrk", 50), round("virtine", "wasp-load", 40)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(*rows[0].Ratio(), 1.05);
  EXPECT_EQ(rows[0].Verdict(), "yes");
  EXPECT_DOUBLE_EQ(*rows[1].Ratio(), 0.8);
  EXPECT_EQ(rows[1].Verdict(), "**no**");
  EXPECT_EQ(LoadCheck({})[0].Verdict(), "no data");
}

TEST(CsvTest, NamedColumnsAndNaForMissing) {
  Record r = Http("nginx", false, 32, std::nullopt, "big.bin");
  r.status = "failed: did not start: a, b";
  std::string csv = HttpCsv({r});
  EXPECT_TRUE(absl::StartsWith(
      csv,
      "config,workers,server_cpus,load_cpus,file,mode,connections,duration_s,"
      "requests_per_sec,p50_us,p99_us,errors,exits_per_request,ratio_to_none,"
      "ceiling_rps,fraction_of_ceiling,ratio_to_one_worker,status\n"));
  EXPECT_TRUE(absl::StrContains(
      csv,
      "nginx,1,0,1,big.bin,close,32,5,NA,NA,NA,NA,NA,NA,NA,NA,NA,"
      "failed: did not start: a; b\n"));
  EXPECT_TRUE(absl::StartsWith(EchoCsv({}),
                               "config,workers,server_cpus,"
                               "load_cpus,payload_bytes,"));
}

TEST(MarkdownTest, GroupsThousandsAndShowsLatencyUnits) {
  EXPECT_EQ(Group(1234567.4), "1,234,567");
  EXPECT_EQ(Group(999), "999");
  EXPECT_EQ(Group(std::nullopt), "-");
  Record r = Http("virtine", true, 8, 12345);
  r.load.p50_us = 750;
  r.load.p99_us = 12300;
  r.exits_per_request = 2;
  std::string table = HttpTable({r}, "small.html", true);
  EXPECT_TRUE(absl::StrContains(table,
                                "| virtine | 8 | 12,345 | 750 us | "
                                "12.30 ms | - | 2.00 |"));
  EXPECT_FALSE(
      absl::StrContains(HttpTable({r}, "small.html", false), "| virtine |"));
}

TEST(PlanTest, ScenariosAsToday) {
  SuiteOptions options;
  EXPECT_EQ(HttpPlan(options).size(), 2u * 2 * 3 * 6);
  EXPECT_EQ(EchoPlan().size(), 9u);
  std::vector<Measurement> scaling = ScalingPlan(options);
  ASSERT_EQ(scaling.size(), 8u);
  EXPECT_EQ(scaling.back().connections, 32);
  EXPECT_EQ(scaling.back().placement.server_cpus, "0,1");
  EXPECT_NE(scaling.front().ServerKey(), scaling.back().ServerKey());
  options.loads = {8};
  EXPECT_EQ(HttpPlan(options).size(), 2u * 2 * 1 * 6);
  EXPECT_EQ(HttpPlan(options)[0].RunName(),
            "virtine-http-w1-small.html-keepalive-c8");
}

TEST(ReadmeTest, HasEverySection) {
  SuiteRun run{.name = "2026-12-07-2100",
               .command = "tools/wasp bench --quick",
               .duration_s = 1,
               .loads = {8},
               .load_tool = "wasp-load",
               .http = {Http("virtine", true, 8, 100)},
               .echo_note = "skipped: test",
               .engine_status = "ok",
               .load_check_note = "skipped: test",
               .plots = {"scaling"},
               .scale_md = "# Many connections (wasp-scale)\n\ntext\n"};
  std::string md = Readme(run);
  for (const char* section :
       {"# wasp-server side by side: 2026-12-07-2100", "## Machine",
        "## Targets", "## 1. HTTP", "### small.html, keepalive",
        "Echo was skipped: test.", "## 3. Scaling", "## 4. Engine",
        "## 5. The load tool against wrk", "## Server log events",
        "![scaling](scaling.png) ([SVG](scaling.svg))",
        "\n## Many connections (wasp-scale)"}) {
    EXPECT_TRUE(absl::StrContains(md, section)) << section;
  }
}

}  // namespace
}  // namespace wasp::bench
