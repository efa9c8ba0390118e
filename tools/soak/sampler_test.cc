#include "tools/soak/sampler.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace wasp::soak {
namespace {

constexpr char kMetrics[] =
    "# HELP wasp_pool_in_use Virtines (or sessions) in use.\n"
    "# TYPE wasp_pool_in_use gauge\n"
    "wasp_pool_in_use{worker=\"0\"} 3\n"
    "wasp_pool_in_use{worker=\"1\"} 4\n"
    "wasp_pool_in_use_extra{worker=\"0\"} 100\n"
    "wasp_connections_open{worker=\"0\"} 40\n"
    "wasp_guest_faults_total{worker=\"0\"} 2\n"
    "wasp_budget_timeouts_total{worker=\"0\"} 1\n"
    "wasp_reset_failures_total{worker=\"0\"} 0\n"
    "wasp_requests_rejected_total{worker=\"0\"} 0\n"
    "wasp_connections_refused_total 5\n";

TEST(MetricSumTest, SumsEveryWorkerOfOneFamily) {
  EXPECT_EQ(MetricSum(kMetrics, "wasp_pool_in_use").value_or(-1), 7);
  EXPECT_EQ(MetricSum(kMetrics, "wasp_connections_refused_total").value_or(-1),
            5);
  EXPECT_EQ(MetricSum(kMetrics, "wasp_runs_total").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(MetricSum("wasp_x{worker=\"0\"} many\n", "wasp_x").ok());
}

TEST(ReadMetricsTest, FillsTheMetricFields) {
  ServerSample sample;
  ASSERT_TRUE(ReadMetrics(kMetrics, sample).ok());
  EXPECT_EQ(sample.pool_in_use, 7u);
  EXPECT_EQ(sample.connections_open, 40u);
  EXPECT_EQ(sample.guest_faults, 2u);
  EXPECT_EQ(sample.budget_timeouts, 1u);
  EXPECT_EQ(sample.connections_refused, 5u);
  EXPECT_FALSE(ReadMetrics("wasp_pool_in_use 1\n", sample).ok());
}

TEST(SampleServerTest, AServerWithoutMetricsIsNotAlive) {
  ServerSample sample = SampleServer({.pid = getpid(), .admin_port = 1});
  EXPECT_FALSE(sample.alive);
  EXPECT_GT(sample.rss_kib, 0u);
  EXPECT_GT(sample.fds, 0u);
}

}  // namespace
}  // namespace wasp::soak
