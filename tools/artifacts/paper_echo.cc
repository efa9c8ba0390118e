// The upstream paper's Fig. 4 (echo server boot latency): an echo server
// serves one connection per run, started the three ways of echo_guests.h,
// and reads the TSC at each milestone from its first instruction to its
// reply. Prints a table of medians and 90th percentiles; `--out DIR` also
// writes them as CSV files.
//
//   paper_echo [--runs=100] [--warmup=5] [--out=DIR]
//
// A milestone's time is guest TSC cycles since the run's first milestone
// (upstream measured from its guest's first instruction too), in
// microseconds by the TSC frequency calibrated against CLOCK_MONOTONIC_RAW;
// "host run()" is the host's TSC around Virtine::run() (call() when
// restored) up to the guest's first report, "host reset()" around reset().
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/artifacts/boot_guests.h"
#include "tools/artifacts/data_files.h"
#include "tools/artifacts/echo_guests.h"
#include "tools/common/cpuinfo.h"
#include "tools/common/flag_names.h"
#include "tools/common/order_stats.h"

ABSL_FLAG(int, runs, 100, "connections measured per variant");
ABSL_FLAG(int, warmup, 5, "connections served first, not measured");
ABSL_FLAG(std::string, out, "", "also write fig4*.csv into this directory");

namespace wasp::artifacts {
namespace {

constexpr char kUsage[] =
    "the upstream paper's Fig. 4, echo server milestones: paper_echo "
    "[--runs=N] [--warmup=N] [--out=DIR]";

constexpr absl::Duration kBudget = absl::Seconds(10);

// What upstream's curl client sent its echo server, give or take the port.
constexpr absl::string_view kRequest =
    "GET / HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: curl/7.76.1\r\n"
    "Accept: */*\r\n\r\n";

// Fig. 4's milestones: each mode reached, then the server's.
constexpr std::array<int, 8> kFigureMilestones = {
    0,         4,          kMilestoneCount - 1,
    kEchoMain, kEchoReady, kEchoReceived,
    kEchoSent, kEchoDone};

const char* FigureLabel(int id) {
  switch (id) {
    case 0:
      return "entry (real mode)";
    case 4:
      return "protected mode";
    case kMilestoneCount - 1:
      return "long mode";
    case kEchoMain:
      return "main";
    case kEchoReady:
      return "ready to receive";
    case kEchoReceived:
      return "request received";
    case kEchoSent:
      return "reply sent";
    case kEchoDone:
      return "done (exit)";
  }
  return "?";
}

// One row of the figure for one variant: a milestone, or a host time
// (id < 0).
constexpr int kHostRun = -1;
constexpr int kHostReset = -2;

struct Series {
  int id;
  std::string name;  // for CSV
  std::vector<uint64_t> cycles;
};

struct VariantResult {
  EchoVariant variant;
  std::vector<Series> series;
};

uint64_t TscOf(const EchoRun& run, int id) {
  for (const Milestone& m : run.milestones) {
    if (m.id == id) return m.tsc;
  }
  return 0;
}

absl::StatusOr<VariantResult> Measure(const EchoVariant& variant, int warmup,
                                      int runs) {
  absl::Span<const uint8_t> request(
      reinterpret_cast<const uint8_t*>(kRequest.data()), kRequest.size());
  absl::StatusOr<std::unique_ptr<EchoVirtine>> echo =
      EchoVirtine::Create(variant.start, kBudget);
  if (!echo.ok()) return echo.status();
  VariantResult result{variant, {}};
  for (int id : kFigureMilestones) {
    if (id >= variant.first_milestone) {
      result.series.push_back({id, EchoMilestoneName(id), {}});
    }
  }
  result.series.push_back({kHostRun, "host_run", {}});
  result.series.push_back({kHostReset, "host_reset", {}});
  for (int i = 0; i < warmup + runs; ++i) {
    absl::StatusOr<EchoRun> run = (*echo)->Serve(request, kBudget);
    if (!run.ok()) return run.status();
    if (absl::Status status = CheckEchoRun(variant, *run, request);
        !status.ok()) {
      return status;
    }
    if (i < warmup) continue;
    const uint64_t origin = TscOf(*run, variant.first_milestone);
    for (Series& series : result.series) {
      uint64_t cycles = series.id == kHostRun ? run->run_cycles
                        : series.id == kHostReset
                            ? run->reset_cycles
                            : TscOf(*run, series.id) - origin;
      series.cycles.push_back(cycles);
    }
  }
  return result;
}

const Series* Find(const VariantResult& result, int id) {
  for (const Series& series : result.series) {
    if (series.id == id) return &series;
  }
  return nullptr;
}

void PrintTable(const std::vector<VariantResult>& results, double mhz,
                int runs) {
  std::printf(
      "\nFig. 4: echo server, microseconds from the run's first instruction "
      "to each milestone (median [p90] of %d connections; guest TSC)\n",
      runs);
  std::printf("%-20s", "milestone");
  for (const VariantResult& r : results) {
    std::printf(" %22s", r.variant.name.c_str());
  }
  std::printf("\n");
  std::vector<int> rows(kFigureMilestones.begin(), kFigureMilestones.end());
  rows.push_back(kHostRun);
  rows.push_back(kHostReset);
  for (int id : rows) {
    std::string label = id == kHostRun     ? "host: run() to done"
                        : id == kHostReset ? "host: reset()"
                                           : FigureLabel(id);
    if (id == kHostRun) std::printf("%s\n", std::string(89, '-').c_str());
    std::printf("%-20s", label.c_str());
    for (const VariantResult& r : results) {
      const Series* series = Find(r, id);
      std::string cell = "-";
      if (series != nullptr) {
        cell = absl::StrFormat("%.2f [%.2f]", Median(series->cycles) / mhz,
                               Percentile(series->cycles, 0.9) / mhz);
      }
      std::printf(" %22s", cell.c_str());
    }
    std::printf("\n");
  }
  std::printf("Variants:\n");
  for (const VariantResult& r : results) {
    std::printf("  %-10s %s; timeline from %s\n", r.variant.name.c_str(),
                r.variant.description.c_str(),
                EchoMilestoneName(r.variant.first_milestone));
  }
  std::printf(
      "(host: run() to done = Virtine::run(), or call() when restored, until "
      "the guest's first report: entry, the connection and one exit)\n");
}

std::vector<DataFile> CsvFiles(const std::vector<VariantResult>& results,
                               double mhz) {
  std::string medians =
      "variant,milestone,clock,runs,median_cycles,median_us,p90_us\n";
  std::string trials = "variant,trial,milestone,cycles\n";
  for (const VariantResult& r : results) {
    for (const Series& s : r.series) {
      medians += absl::StrFormat(
          "%s,%s,%s,%d,%.0f,%.3f,%.3f\n", r.variant.name, s.name,
          s.id < 0 ? "host" : "guest", s.cycles.size(), Median(s.cycles),
          Median(s.cycles) / mhz, Percentile(s.cycles, 0.9) / mhz);
      for (size_t i = 0; i < s.cycles.size(); ++i) {
        trials += absl::StrCat(r.variant.name, ",", i, ",", s.name, ",",
                               s.cycles[i], "\n");
      }
    }
  }
  // For the plot: one row per milestone, one column per variant, empty
  // where a variant has no such milestone.
  std::string wide = "milestone";
  for (const VariantResult& r : results) {
    absl::StrAppend(&wide, ",", r.variant.name, "_us");
  }
  wide += "\n";
  std::vector<int> rows(kFigureMilestones.begin(), kFigureMilestones.end());
  rows.push_back(kHostRun);
  for (int id : rows) {
    wide += id == kHostRun ? "host run()" : FigureLabel(id);
    for (const VariantResult& r : results) {
      const Series* series = Find(r, id);
      wide += series == nullptr
                  ? ","
                  : absl::StrFormat(",%.3f", Median(series->cycles) / mhz);
    }
    wide += "\n";
  }
  return {{"fig4.csv", medians},
          {"fig4_trials.csv", trials},
          {"fig4_by_milestone.csv", wide}};
}

int Main(int argc, char** argv) {
  if (!ParseFlagsOnly(argc, argv, kUsage, "tools/artifacts/")) return 2;
  const int runs = absl::GetFlag(FLAGS_runs);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  if (runs < 1 || warmup < 0) {
    std::fprintf(stderr, "paper_echo: --runs must be >= 1, --warmup >= 0\n");
    return 2;
  }
  const double mhz = CalibrateTscMhz();
  std::printf("TSC: %.1f MHz calibrated (/proc/cpuinfo: %.1f MHz, %s)\n", mhz,
              CpuinfoMhz(), CpuModel().c_str());
  std::printf("request: %zu bytes; %d connections per variant after %d\n",
              kRequest.size(), runs, warmup);
  std::vector<VariantResult> results;
  for (const EchoVariant& variant : EchoVariants()) {
    absl::StatusOr<VariantResult> result = Measure(variant, warmup, runs);
    if (!result.ok()) {
      std::fprintf(stderr, "paper_echo: %s: %s\n", variant.name.c_str(),
                   result.status().ToString().c_str());
      return 1;
    }
    results.push_back(*std::move(result));
  }
  PrintTable(results, mhz, runs);
  return WriteDataFiles(absl::GetFlag(FLAGS_out), CsvFiles(results, mhz)) ? 0
                                                                          : 1;
}

}  // namespace
}  // namespace wasp::artifacts

int main(int argc, char** argv) { return wasp::artifacts::Main(argc, argv); }
