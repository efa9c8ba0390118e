#include "tools/artifacts/engine_figures.h"

#include "gtest/gtest.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {
namespace {

std::vector<BenchmarkRow> Sample() {
  std::string csv = ReadFile("tools/artifacts/testdata/data/engine.csv");
  EXPECT_FALSE(csv.empty()) << "the sample is a data dependency";
  return ParseBenchmarkCsv(csv);
}

TEST(DeriveEngineFiguresTest, Fig8HasTheContextsThatRanInUnits) {
  EngineFigures figures = DeriveEngineFigures(Sample());
  EXPECT_EQ(Fig8Csv(figures.fig8),
            "context,us\n"
            "exit round trip (reused VM),22.600\n"
            "virtine: cached call,29.800\n"
            "fork+waitpid,969.000\n");
}

TEST(DeriveEngineFiguresTest, Fig11HasEveryNMissingTimesEmpty) {
  EngineFigures figures = DeriveEngineFigures(Sample());
  ASSERT_EQ(figures.fig11.size(), 4u);
  EXPECT_EQ(figures.fig11[2].n, 20);
  EXPECT_DOUBLE_EQ(*figures.fig11[2].native_us, 13.1);
  EXPECT_DOUBLE_EQ(*figures.fig11[2].virtine_no_snapshot_us, 68.1);
  EXPECT_DOUBLE_EQ(*figures.fig11[2].virtine_snapshot_us, 61.2);
  EXPECT_FALSE(figures.fig11[1].native_us.has_value());
  EXPECT_EQ(Fig11Csv(figures.fig11),
            "n,native_us,virtine_no_snapshot_us,virtine_snapshot_us\n"
            "0,,,\n15,,,\n20,13.100,68.100,61.200\n25,,,\n");
}

TEST(DeriveEngineFiguresTest, Fig12HasTheSizesThatRan) {
  EngineFigures figures = DeriveEngineFigures(Sample());
  EXPECT_EQ(Fig12Csv(figures.fig12),
            "image_kib,cached_call_us\n4,30.500\n65536,28.800\n");
}

TEST(DeriveEngineFiguresTest, AFailedRunIsLeftOut) {
  std::vector<BenchmarkRow> rows = {
      {.name = "BM_ForkWaitpid", .real_time_us = 5, .error = true},
      {.name = "BM_PthreadCreateJoin", .real_time_us = 31.1}};
  EngineFigures figures = DeriveEngineFigures(rows);
  ASSERT_EQ(figures.fig8.size(), 1u);
  EXPECT_EQ(figures.fig8[0].context, "pthread create+join");
  EXPECT_TRUE(figures.fig12.empty());
}

}  // namespace
}  // namespace wasp::artifacts
