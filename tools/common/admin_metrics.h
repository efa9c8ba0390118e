// wasp-server's admin /metrics as tools read it: fetched over loopback,
// summed over workers.
#ifndef WASP_TOOLS_COMMON_ADMIN_METRICS_H_
#define WASP_TOOLS_COMMON_ADMIN_METRICS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasp {

// The sum of a family's samples (every worker's) in Prometheus text;
// NotFound when it has none.
absl::StatusOr<double> MetricSum(absl::string_view text,
                                 absl::string_view family);
// GET /metrics from 127.0.0.1:`admin_port`: the body.
absl::StatusOr<std::string> FetchMetrics(int admin_port);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_ADMIN_METRICS_H_
