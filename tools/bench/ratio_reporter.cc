#include "tools/bench/ratio_reporter.h"

#include <cstdio>

namespace wasp {
namespace {

std::string WithoutSuffix(std::string name) {
  size_t slash = name.find("/min_time");
  if (slash != std::string::npos) name.erase(slash);
  return name;
}

}  // namespace

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    double us = run.GetAdjustedRealTime() /
                benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e6;
    // Benchmarks that batch count their operations as items.
    auto items = run.counters.find("items_per_second");
    if (run.report_label == kPerItem && items != run.counters.end()) {
      us = 1e6 / items->second.value;
    }
    std::string name = WithoutSuffix(run.benchmark_name());
    if (micros_.count(name) == 0) order_.push_back(name);
    micros_[name] = us;
  }
}

double RatioReporter::Micros(const std::string& name) const {
  auto it = micros_.find(name);
  return it == micros_.end() ? 0 : it->second;
}

void RatioReporter::PrintRatios() const {
  double base = Micros(baseline_);
  std::printf("\n%-52s %12s %12s\n", "figure", "us/op",
              ("x " + baseline_.substr(0, 10)).c_str());
  for (const std::string& name : order_) {
    double us = Micros(name);
    if (base > 0) {
      std::printf("%-52s %12.2f %12.2f\n", name.c_str(), us, us / base);
    } else {
      std::printf("%-52s %12.2f %12s\n", name.c_str(), us, "-");
    }
  }
  std::printf("(baseline: %s, measured in this run)\n", baseline_.c_str());
}

int RunBenchmarksWithRatios(int argc, char** argv, const std::string& baseline,
                            const std::vector<RatioTarget>& targets) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(baseline);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  std::printf("\n%-58s %8s %8s  %s\n", "target", "ratio", "goal", "");
  for (const RatioTarget& target : targets) {
    double numerator = reporter.Micros(target.numerator);
    double denominator = reporter.Micros(target.denominator);
    if (numerator <= 0 || denominator <= 0) continue;
    double ratio = numerator / denominator;
    bool met = target.at_most ? ratio <= target.limit : ratio >= target.limit;
    std::printf("%-58s %8.2f %s%6.2f  %s\n", target.what.c_str(), ratio,
                target.at_most ? "<=" : ">=", target.limit,
                met ? "met" : "MISSED");
  }
  benchmark::Shutdown();
  return 0;
}

}  // namespace wasp
