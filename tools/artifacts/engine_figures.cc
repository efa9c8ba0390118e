#include "tools/artifacts/engine_figures.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wasp::artifacts {
namespace {

struct Context {
  const char* benchmark;
  const char* label;
};

// In the order of the plot's bars.
constexpr Context kContexts[] = {
    {"BM_RawExitRoundTrip", "exit round trip (reused VM)"},
    {"BM_CachedSquareCall", "virtine: cached call"},
    {"BM_PthreadCreateJoin", "pthread create+join"},
    {"BM_ForkWaitpid", "fork+waitpid"},
    {"BM_VmAndVcpuCreation", "KVM VM+vCPU creation"},
    {"BM_FreshVirtinePerCall", "virtine: fresh VM per call"},
};
constexpr int kFibN[] = {0, 15, 20, 25};
constexpr int kImageKib[] = {4, 64, 1024, 16384, 65536};

std::string Micros(std::optional<double> us) {
  return us ? absl::StrFormat("%.3f", *us) : "";
}

}  // namespace

EngineFigures DeriveEngineFigures(const std::vector<BenchmarkRow>& rows) {
  EngineFigures figures;
  for (const Context& context : kContexts) {
    if (std::optional<double> us = RealTimeUs(rows, context.benchmark)) {
      figures.fig8.push_back({context.label, *us});
    }
  }
  for (int n : kFibN) {
    figures.fig11.push_back(
        {.n = n,
         .native_us = RealTimeUs(rows, absl::StrCat("BM_FibNative/", n)),
         .virtine_no_snapshot_us =
             RealTimeUs(rows, absl::StrCat("BM_FibVirtine/", n, "/0")),
         .virtine_snapshot_us =
             RealTimeUs(rows, absl::StrCat("BM_FibVirtine/", n, "/1"))});
  }
  for (int kib : kImageKib) {
    std::optional<double> us =
        RealTimeUs(rows, absl::StrCat("BM_ImageSizeCachedSquare/", kib));
    if (us) figures.fig12.push_back({kib, *us});
  }
  return figures;
}

std::string Fig8Csv(const std::vector<ContextCost>& rows) {
  std::string csv = "context,us\n";
  for (const ContextCost& row : rows) {
    absl::StrAppend(&csv, row.context, ",", Micros(row.us), "\n");
  }
  return csv;
}

std::string Fig11Csv(const std::vector<FibTimes>& rows) {
  std::string csv = "n,native_us,virtine_no_snapshot_us,virtine_snapshot_us\n";
  for (const FibTimes& row : rows) {
    absl::StrAppend(&csv, row.n, ",", Micros(row.native_us), ",",
                    Micros(row.virtine_no_snapshot_us), ",",
                    Micros(row.virtine_snapshot_us), "\n");
  }
  return csv;
}

std::string Fig12Csv(const std::vector<ImageSizeCost>& rows) {
  std::string csv = "image_kib,cached_call_us\n";
  for (const ImageSizeCost& row : rows) {
    absl::StrAppend(&csv, row.image_kib, ",", Micros(row.cached_call_us), "\n");
  }
  return csv;
}

}  // namespace wasp::artifacts
