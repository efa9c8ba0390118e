// wasp-soak end to end, scaled down to 20 s at low rates: it passes and
// writes soak.csv, segments.csv and soak.md with their columns.
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tools/common/child_process.h"
#include "tools/soak/report.h"

namespace wasp::soak {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class SoakTest : public testing::KvmTest {};

TEST_F(SoakTest, ShortSoakPassesAndWritesItsFiles) {
  std::string out = ::testing::TempDir() + "/soak";
  // AddressSanitizer's quarantine holds up to 256 MiB of freed blocks, which
  // a flat-RSS check would see grow: keep it small in sanitizer builds.
  setenv("ASAN_OPTIONS", "quarantine_size_mb=1", 0);
  auto run = ChildProcess::Start(
      {"tools/soak/wasp-soak", "--out=" + out, "--duration=20s", "--probe=2s",
       "--connections=8", "--load_fraction=0.5", "--close_rate=20",
       "--pipeline_rate=40", "--slow_readers=1", "--large_kib=256",
       "--reset_rate=5", "--oversized_rate=2", "--hostile_bad_rate=2",
       "--hostile_echo_rate=5", "--pool=16", "--gnuplot=none",
       // A shared test machine's p99 swings by seconds: the drift rule has
       // unit tests, this run checks everything else.
       "--p99_floor=5s"},
      out + ".stdout", out + ".stderr");
  ASSERT_TRUE(run.ok()) << run.status();
  auto status = (*run)->Wait(absl::Seconds(90));
  ASSERT_TRUE(status.ok()) << status.status();
  std::string log = ReadFile(out + ".stderr");
  EXPECT_EQ(*status, 0) << log;
  EXPECT_NE(log.find("wasp-soak: PASS"), std::string::npos) << log;

  std::vector<std::string> rows = Lines(ReadFile(out + "/soak.csv"));
  ASSERT_GE(rows.size(), 15u) << "a row a second for ~20 s";
  EXPECT_EQ(rows[0], absl::StripSuffix(SoakCsvHeader(), "\n"));
  for (const char* column :
       {"http_rss_kib", "http_fds", "http_pool_in_use", "hostile_guest_faults",
        "reset_expected", "hostile_echo_ok"}) {
    EXPECT_NE(rows[0].find(column), std::string::npos) << column;
  }
  std::vector<std::string> segments = Lines(ReadFile(out + "/segments.csv"));
  // ~10 segments of each of three kinds; fewer where starting wasp-load is
  // slow (the test VM's emulated CPU made 4 of each).
  ASSERT_GE(segments.size(), 1u + 3 * 3) << "segments of three kinds";
  EXPECT_EQ(segments[0],
            "segment,kind,start_s,seconds,rate,requests,rps,p50_us,p99_us,"
            "p999_us,max_us,errors,connection_errors,ran");
  std::string md = ReadFile(out + "/soak.md");
  EXPECT_NE(md.find("**PASS**"), std::string::npos) << md;
  EXPECT_NE(md.find("| hostile_answers | pass |"), std::string::npos) << md;
}

}  // namespace
}  // namespace wasp::soak
