// A console reporter that also prints every figure as a ratio to a baseline
// benchmark measured in the same run (machines are noisy; ratios travel).
#ifndef WASP_TOOLS_BENCH_RATIO_REPORTER_H_
#define WASP_TOOLS_BENCH_RATIO_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace wasp {

// The label of a benchmark whose figure is the time per processed item
// (state.SetItemsProcessed) rather than per iteration.
inline constexpr char kPerItem[] = "per item";

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // `baseline` is a benchmark's name without its /min_time suffix.
  explicit RatioReporter(std::string baseline)
      : baseline_(std::move(baseline)) {}

  void ReportRuns(const std::vector<Run>& runs) override;
  // The table of microseconds per operation and ratios to the baseline.
  void PrintRatios() const;
  // Microseconds per operation, by name; 0 if the benchmark did not run.
  double Micros(const std::string& name) const;

 private:
  std::string baseline_;
  std::vector<std::string> order_;
  std::map<std::string, double> micros_;
};

// A goal stated as a ratio of two figures of the same run.
struct RatioTarget {
  std::string what;
  std::string numerator;
  std::string denominator;
  double limit;
  bool at_most;  // numerator / denominator <= limit; else >= limit
};

// Runs the benchmarks selected on the command line, prints the ratios and
// whether each target (whose figures ran) was met.
int RunBenchmarksWithRatios(int argc, char** argv, const std::string& baseline,
                            const std::vector<RatioTarget>& targets);

}  // namespace wasp

#endif  // WASP_TOOLS_BENCH_RATIO_REPORTER_H_
