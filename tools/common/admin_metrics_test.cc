#include "tools/common/admin_metrics.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

constexpr char kMetrics[] =
    "# HELP wasp_vm_exits_total VM exits of connection virtines.\n"
    "# TYPE wasp_vm_exits_total counter\n"
    "wasp_vm_exits_total{worker=\"0\"} 30\n"
    "wasp_vm_exits_total{worker=\"1\"} 12\n"
    "wasp_vm_exits_total_extra{worker=\"0\"} 100\n"
    "wasp_connections_refused_total 5\n";

TEST(MetricSumTest, SumsEveryWorkerOfOneFamily) {
  EXPECT_EQ(MetricSum(kMetrics, "wasp_vm_exits_total").value_or(-1), 42);
  EXPECT_EQ(MetricSum(kMetrics, "wasp_connections_refused_total").value_or(-1),
            5);
  EXPECT_EQ(MetricSum(kMetrics, "wasp_runs_total").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(MetricSum("wasp_x{worker=\"0\"} many\n", "wasp_x").ok());
}

}  // namespace
}  // namespace wasp
