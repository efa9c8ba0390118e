// Google Benchmark's CSV output (--benchmark_out_format=csv) as records:
// engine_bench's results, read by wasp-bench and wasp-artifacts.
#ifndef WASP_TOOLS_COMMON_BENCHMARK_CSV_H_
#define WASP_TOOLS_COMMON_BENCHMARK_CSV_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wasp {

// One benchmark run; times in microseconds, whatever unit the CSV used.
struct BenchmarkRow {
  std::string name;  // without /min_time:N and /manual_time: "BM_Fib/20"
  double real_time_us = 0;
  double cpu_time_us = 0;
  std::string label;
  bool error = false;  // error_occurred: its times mean nothing
};

// The rows after the header line, found by its column names (Google
// Benchmark writes context lines first); quoted fields may hold commas. A
// row without a name or a real time is left out.
std::vector<BenchmarkRow> ParseBenchmarkCsv(absl::string_view csv);

// The real time of the first run named `name` that did not fail.
std::optional<double> RealTimeUs(const std::vector<BenchmarkRow>& rows,
                                 absl::string_view name);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_BENCHMARK_CSV_H_
