// Figs. 8, 11 and 12 from engine_bench's results (data/engine.csv): the
// benchmarks each figure shows, picked by name, as the CSV files the plots
// read.
#ifndef WASP_TOOLS_ARTIFACTS_ENGINE_FIGURES_H_
#define WASP_TOOLS_ARTIFACTS_ENGINE_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "tools/common/benchmark_csv.h"

namespace wasp::artifacts {

// Fig. 8 (and Fig. 2): what creating an execution context costs.
struct ContextCost {
  std::string context;  // "fork+waitpid"
  double us = 0;
};

// Fig. 11: fib(n) natively and in a virtine; empty where it did not run.
struct FibTimes {
  int n = 0;
  std::optional<double> native_us;
  std::optional<double> virtine_no_snapshot_us;
  std::optional<double> virtine_snapshot_us;
};

// Fig. 12: a cached call by the size of the virtine's image.
struct ImageSizeCost {
  int image_kib = 0;
  double cached_call_us = 0;
};

struct EngineFigures {
  std::vector<ContextCost> fig8;     // the contexts that ran
  std::vector<FibTimes> fig11;       // n = 0, 15, 20, 25, each
  std::vector<ImageSizeCost> fig12;  // the sizes that ran
};

EngineFigures DeriveEngineFigures(const std::vector<BenchmarkRow>& rows);

// fig8.csv (context,us), fig11.csv (n,native_us,virtine_no_snapshot_us,
// virtine_snapshot_us), fig12.csv (image_kib,cached_call_us); microseconds
// with three decimals.
std::string Fig8Csv(const std::vector<ContextCost>& rows);
std::string Fig11Csv(const std::vector<FibTimes>& rows);
std::string Fig12Csv(const std::vector<ImageSizeCost>& rows);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_ENGINE_FIGURES_H_
