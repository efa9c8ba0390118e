#include "tools/common/benchmark_csv.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

// As Google Benchmark writes it: context lines, then the header.
constexpr char kCsv[] =
    "2026-11-27T07:23:16+00:00\n"
    "Running engine_bench\n"
    "name,iterations,real_time,cpu_time,time_unit,bytes_per_second,"
    "items_per_second,label,error_occurred,error_message\n"
    "\"BM_RawExitRoundTrip/min_time:1.000\",60689,22600,23582.2,ns,,,,,\n"
    "\"BM_ForkWaitpid/min_time:1.000\",1000,0.969,0.5,ms,,,,,\n"
    "\"BM_CachedSquareCallReset/1/64/min_time:0.500\",100,30400,30000,ns,,,"
    "\"copy, 64 KiB writable\",,\n"
    "\"BM_Fails\",0,0,0,ns,,,,true,\"no KVM\"\n"
    "\"BM_Manual/8/min_time:0.500/manual_time\",10,2,2,s,,,,,\n";

TEST(ParseBenchmarkCsvTest, NamedFieldsInMicroseconds) {
  std::vector<BenchmarkRow> rows = ParseBenchmarkCsv(kCsv);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].name, "BM_RawExitRoundTrip");
  EXPECT_DOUBLE_EQ(rows[0].real_time_us, 22.6);
  EXPECT_DOUBLE_EQ(rows[0].cpu_time_us, 23.5822);
  EXPECT_DOUBLE_EQ(rows[1].real_time_us, 969);
  // A comma inside a quoted label does not shift the columns after it.
  EXPECT_EQ(rows[2].name, "BM_CachedSquareCallReset/1/64");
  EXPECT_EQ(rows[2].label, "copy, 64 KiB writable");
  EXPECT_FALSE(rows[2].error);
  EXPECT_TRUE(rows[3].error);
  EXPECT_EQ(rows[4].name, "BM_Manual/8");
  EXPECT_DOUBLE_EQ(rows[4].real_time_us, 2e6);
}

TEST(ParseBenchmarkCsvTest, NothingBeforeTheHeaderOrWithoutIt) {
  EXPECT_TRUE(ParseBenchmarkCsv("").empty());
  EXPECT_TRUE(ParseBenchmarkCsv("\"BM_X\",1,2,2,ns,,,,,\n").empty());
}

TEST(RealTimeUsTest, FirstRunThatDidNotFail) {
  std::vector<BenchmarkRow> rows = ParseBenchmarkCsv(kCsv);
  EXPECT_DOUBLE_EQ(*RealTimeUs(rows, "BM_ForkWaitpid"), 969);
  EXPECT_FALSE(RealTimeUs(rows, "BM_Fails").has_value());
  EXPECT_FALSE(RealTimeUs(rows, "BM_Fork").has_value());
}

}  // namespace
}  // namespace wasp
