// wasp-scale end to end against wasp-server --isolation=none, scaled down:
// every measurement runs and lands in scale.csv and scale.md.
#include <string>

#include "gtest/gtest.h"
#include "tools/common/child_process.h"
#include "tools/common/json_number.h"

namespace wasp::scale {
namespace {

TEST(ScaleTest, MeasuresEverythingForNone) {
  std::string out = ::testing::TempDir() + "/scale";
  auto run = ChildProcess::Start(
      {"tools/bench/scale/wasp-scale", "--configs=none", "--connections=500",
       "--slow_clients=50", "--duration=1s", "--latency_rounds=2",
       "--out=" + out},
      out + ".stdout", out + ".stderr");
  ASSERT_TRUE(run.ok()) << run.status();
  auto status = (*run)->Wait(absl::Seconds(120));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, 0) << ReadFile(out + ".stderr");
  std::string csv = ReadFile(out + "/scale.csv");
  for (const char* metric :
       {"max_rps_32,", "p99_us_32,", "p99_us_many,", "rps_many,",
        "idle_bytes_per_connection,", "slow_ratio,", "errors_many,0\n",
        "connected_many,500\n", "p99_ratio,", "p99_ratio_min,",
        "p99_ratio_max,", "rps_304,", "p99_us_206,"}) {
    EXPECT_NE(csv.find(std::string("none,") + metric), std::string::npos)
        << metric << " in:\n"
        << csv;
  }
  std::string md = ReadFile(out + "/scale.md");
  EXPECT_NE(md.find("| idle_bytes_per_connection |"), std::string::npos) << md;
}

}  // namespace
}  // namespace wasp::scale
