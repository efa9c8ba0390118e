#include "tools/bench/suite/plots.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace wasp::bench {
namespace {

Record Row(const std::string& config, int connections,
           std::optional<double> rps) {
  Record r;
  r.run.config = config;
  r.run.connections = connections;
  r.load.requests_per_sec = rps;
  return r;
}

BarTable Table() {
  return Pivot(
      {Row("virtine", 1, 10), Row("none", 1, 20), Row("virtine", 8, 30),
       Row("none", 8, std::nullopt), Row("nginx", 8, 5)},
      [](const Record& r) { return r.run.config != "nginx"; },
      [](const Record& r) { return r.run.config; },
      [](const Record& r) {
        return absl::StrCat("conns: ", r.run.connections);
      },
      [](const Record& r) { return r.load.requests_per_sec; });
}

TEST(PivotTest, RowsAndColumnsInTheOrderTheyAppear) {
  BarTable table = Table();
  EXPECT_EQ(table.rows, (std::vector<std::string>{"virtine", "none"}));
  EXPECT_EQ(table.columns, (std::vector<std::string>{"conns: 1", "conns: 8"}));
  EXPECT_EQ(table.Max(), 30);
  EXPECT_EQ(GnuplotData(table),
            "group\tconns: 1\tconns: 8\nvirtine\t10\t30\nnone\t20\t?\n");
}

TEST(GnuplotScriptTest, DrawsPngAndSvgWithQuotedText) {
  BarChart chart{.name = "x", .title = "it's", .table = Table()};
  std::string script = GnuplotScript(chart, "/r/x.dat", "/o/x");
  EXPECT_TRUE(absl::StrContains(script, "set title 'it''s'"));
  // Without it the labels' rows are one off the bars'.
  EXPECT_TRUE(absl::StrContains(script, "set key autotitle columnheader"));
  EXPECT_TRUE(absl::StrContains(script, "set output '/o/x.png'"));
  EXPECT_TRUE(absl::StrContains(script, "set output '/o/x.svg'"));
  EXPECT_TRUE(absl::StrContains(script, "plot for [j = 2:3] '/r/x.dat'"));
  EXPECT_TRUE(absl::StrContains(script, "set yrange [0:34.5]"));
  chart.log_y = true;
  EXPECT_TRUE(absl::StrContains(GnuplotScript(chart, "d", "o"),
                                "set logscale y\nset yrange [*:90]"));
}

TEST(ByteLabelTest, Units) {
  EXPECT_EQ(ByteLabel(64), "64 B");
  EXPECT_EQ(ByteLabel(4096), "4 KiB");
  EXPECT_EQ(ByteLabel(65536), "64 KiB");
  EXPECT_EQ(ByteLabel(1048576), "1 MiB");
  EXPECT_EQ(ByteLabel(1500), "1500 B");
}

}  // namespace
}  // namespace wasp::bench
