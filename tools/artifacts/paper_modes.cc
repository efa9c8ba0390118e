// The upstream paper's Table 1 (boot time by step) and Fig. 3 (one
// function's latency by processor mode), measured with this engine beside
// Wasp's own direct entry into long mode. Prints Google Benchmark's table,
// then the paper's tables in cycles and microseconds with ratios;
// `--out DIR` also writes them as CSV files.
//
//   paper_modes [--out DIR] [--benchmark_filter=...]
//
// Guest cycles come from the guest's TSC (tests/guests/boot); host cycles
// from the host's TSC around Virtine::run(); microseconds from the TSC
// frequency calibrated against CLOCK_MONOTONIC_RAW.
#include <benchmark/benchmark.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/virtine.h"
#include "tests/guests/boot/boot_long_image.h"
#include "tests/guests/exit_code_image.h"
#include "tools/artifacts/boot_guests.h"
#include "tools/artifacts/data_files.h"
#include "tools/common/cpuinfo.h"
#include "tools/common/order_stats.h"

namespace wasp::artifacts {
namespace {

constexpr absl::Duration kBudget = absl::Seconds(10);

double g_tsc_mhz = 0;

// What the benchmarks measured, for the tables: each benchmark keeps the
// samples of its last (longest) run. (No benchmark counters: Google
// Benchmark's CSV output wants the same counters in every benchmark.)
struct Samples {
  // Per boot: the cycles of each step (index i: milestone i-1 to i; 0 is
  // unused), from the guest's TSC.
  std::vector<std::array<uint64_t, kMilestoneCount>> boot_steps;
  std::vector<uint64_t> boot_total;  // first milestone to the last
  std::vector<uint64_t> boot_run;    // host: run() until the first exit
  std::vector<uint64_t> boot_reset;  // host: reset()
  std::vector<uint64_t> direct_run;
  std::vector<uint64_t> direct_reset;
  std::map<std::string, std::vector<FunctionRun>> modes;
};

Samples& Measured() {
  static Samples* samples = new Samples;
  return *samples;
}

double Micros(double cycles) { return cycles / g_tsc_mhz; }

void Fail(benchmark::State& state, const absl::Status& status) {
  state.SkipWithError(status.ToString().c_str());
}

// Resets `virtine` and returns the host cycles it took.
uint64_t TimedReset(benchmark::State& state, Virtine& virtine) {
  uint64_t start = ReadTsc();
  absl::Status status = virtine.reset();
  uint64_t cycles = ReadTsc() - start;
  if (!status.ok()) Fail(state, status);
  return cycles;
}

absl::Status CheckTrace(const BootTrace& trace) {
  if (trace.exit_code != 0) {
    return absl::InternalError(
        absl::StrFormat("the boot exited with %d", trace.exit_code));
  }
  if (trace.milestones.size() != kMilestoneCount) {
    return absl::InternalError(
        absl::StrFormat("the boot reported %d milestones, not %d",
                        trace.milestones.size(), kMilestoneCount));
  }
  for (int id = 0; id < kMilestoneCount; ++id) {
    if (trace.milestones[id].id != id ||
        (id > 0 && trace.milestones[id].tsc < trace.milestones[id - 1].tsc)) {
      return absl::InternalError("milestones out of order");
    }
  }
  return absl::OkStatus();
}

// --- Table 1 -------------------------------------------------------------

// The guest boots itself from real mode to 64-bit long mode at CPL0, as
// upstream's virtines do. Time: run() until the first exit.
void BM_Table1SelfBoot(benchmark::State& state) {
  Samples& samples = Measured();
  samples.boot_steps.clear();
  samples.boot_total.clear();
  samples.boot_run.clear();
  samples.boot_reset.clear();
  auto virtine = LoadedVirtine(images::boot_long(), Mode::kReal);
  if (!virtine.ok()) return Fail(state, virtine.status());
  for (auto _ : state) {
    absl::StatusOr<BootTrace> trace = RunBoot(**virtine, kBudget);
    if (!trace.ok()) return Fail(state, trace.status());
    if (absl::Status status = CheckTrace(*trace); !status.ok()) {
      return Fail(state, status);
    }
    std::array<uint64_t, kMilestoneCount> steps = {};
    for (int id = 1; id < kMilestoneCount; ++id) {
      steps[id] = trace->milestones[id].tsc - trace->milestones[id - 1].tsc;
    }
    samples.boot_steps.push_back(steps);
    samples.boot_total.push_back(trace->milestones.back().tsc -
                                 trace->milestones.front().tsc);
    samples.boot_run.push_back(trace->host_cycles);
    state.SetIterationTime(Micros(trace->host_cycles) * 1e-6);
    samples.boot_reset.push_back(TimedReset(state, **virtine));
  }
}
BENCHMARK(BM_Table1SelfBoot)->UseManualTime()->MinTime(0.5);

// Wasp's own entry: the host builds long mode (CPL3) in load()/reset(); the
// guest (tests/guests:exit_code) starts in 64-bit code and exits.
void BM_Table1WaspDirectEntry(benchmark::State& state) {
  Samples& samples = Measured();
  samples.direct_run.clear();
  samples.direct_reset.clear();
  auto virtine = LoadedVirtine(images::exit_code(), Mode::kLong);
  if (!virtine.ok()) return Fail(state, virtine.status());
  for (auto _ : state) {
    uint64_t start = ReadTsc();
    absl::StatusOr<Exit> exit = (*virtine)->run(absl::Now() + kBudget);
    uint64_t cycles = ReadTsc() - start;
    if (!exit.ok()) return Fail(state, exit.status());
    if (exit->reason != ExitReason::Exited || exit->exit_code != 42) {
      return Fail(state, absl::InternalError(exit->ToString()));
    }
    samples.direct_run.push_back(cycles);
    state.SetIterationTime(Micros(cycles) * 1e-6);
    samples.direct_reset.push_back(TimedReset(state, **virtine));
  }
}
BENCHMARK(BM_Table1WaspDirectEntry)->UseManualTime()->MinTime(0.5);

// --- Fig. 3 ----------------------------------------------------------------

// fib(20), kFibRepeat times, in one processor mode. Time: run() until the
// guest reports, i.e. entry, the guest's own mode switches, the function
// and one exit (upstream timed run() to the guest's hlt).
void BM_Fig3Mode(benchmark::State& state) {
  const ModeGuest guest = ModeGuests().at(state.range(0));
  state.SetLabel(guest.description);
  std::vector<FunctionRun>& runs = Measured().modes[guest.name];
  runs.clear();
  auto virtine = LoadedVirtine(guest.image, guest.mode);
  if (!virtine.ok()) return Fail(state, virtine.status());
  for (auto _ : state) {
    absl::StatusOr<FunctionRun> run = RunFunction(**virtine, kBudget);
    if (!run.ok()) return Fail(state, run.status());
    if (run->result != kFibResult || run->exit_code != kFibResult) {
      return Fail(state, absl::InternalError(absl::StrFormat(
                             "fib(%d) = %d?", kFibN, run->result)));
    }
    runs.push_back(*run);
    state.SetIterationTime(Micros(run->host_cycles) * 1e-6);
    TimedReset(state, **virtine);
  }
}
BENCHMARK(BM_Fig3Mode)->DenseRange(0, 3)->UseManualTime()->MinTime(0.5);

// --- Tables and CSV ----------------------------------------------------------

struct Row {
  std::string key;    // for CSV
  std::string label;  // for the console
  double cycles;
};

std::vector<Row> Table1Rows() {
  const Samples& s = Measured();
  std::vector<Row> rows;
  if (!s.boot_steps.empty()) {
    for (int id = 1; id < kMilestoneCount; ++id) {
      std::vector<uint64_t> step;
      for (const auto& boot : s.boot_steps) step.push_back(boot[id]);
      rows.push_back({kMilestoneNames[id], kStepNames[id], Median(step)});
    }
    rows.push_back({"total", "Total: first instruction to 64-bit code",
                    Median(s.boot_total)});
    rows.push_back({"self_boot_run",
                    "Host: run() until the first exit (boot + 1 exit)",
                    Median(s.boot_run)});
    rows.push_back({"self_boot_reset", "Host: reset() back to real mode",
                    Median(s.boot_reset)});
  }
  if (!s.direct_run.empty()) {
    rows.push_back({"direct_run",
                    "Wasp direct entry (host-built long mode, CPL3): run()",
                    Median(s.direct_run)});
    rows.push_back(
        {"direct_reset", "Wasp direct entry: reset()", Median(s.direct_reset)});
  }
  return rows;
}

struct ModeRow {
  std::string name;
  std::string description;
  size_t runs;
  double run_cycles;       // host
  double function_cycles;  // guest, all kFibRepeat calls
};

std::vector<ModeRow> Fig3Rows() {
  std::vector<ModeRow> rows;
  for (const ModeGuest& guest : ModeGuests()) {
    auto it = Measured().modes.find(guest.name);
    if (it == Measured().modes.end() || it->second.empty()) continue;
    std::vector<uint64_t> run, function;
    for (const FunctionRun& r : it->second) {
      run.push_back(r.host_cycles);
      function.push_back(r.guest_cycles);
    }
    rows.push_back({guest.name, guest.description, it->second.size(),
                    Median(run), Median(function)});
  }
  return rows;
}

void PrintTable1(const std::vector<Row>& rows) {
  if (rows.empty()) return;
  std::printf(
      "\nTable 1: boot time by step, real mode -> long mode (medians of %zu "
      "boots; guest TSC)\n",
      Measured().boot_steps.size());
  std::printf("%-58s %12s %10s\n", "step", "cycles", "us");
  for (const Row& row : rows) {
    if (row.key == "total" || row.key == "self_boot_run" ||
        row.key == "direct_run") {
      std::printf("%s\n", std::string(82, '-').c_str());
    }
    std::printf("%-58s %12.0f %10.2f\n", row.label.c_str(), row.cycles,
                Micros(row.cycles));
  }
  const Samples& s = Measured();
  if (!s.boot_run.empty() && !s.direct_run.empty()) {
    std::printf("%-58s %12.1fx\n", "Ratio: self-boot run() / direct run()",
                Median(s.boot_run) / Median(s.direct_run));
  }
}

void PrintFig3(const std::vector<ModeRow>& rows) {
  if (rows.empty()) return;
  double base_run = 0, base_function = 0;
  for (const ModeRow& row : rows) {
    if (row.name == "long_cpl3") {
      base_run = row.run_cycles;
      base_function = row.function_cycles;
    }
  }
  std::printf(
      "\nFig. 3: fib(%d) x %d by processor mode (medians; run() is host time "
      "to the guest's report)\n",
      static_cast<int>(kFibN), static_cast<int>(kFibRepeat));
  std::string fib_header = absl::StrFormat("fib x%d cyc", kFibRepeat);
  std::printf("%-46s %10s %12s %12s %10s %9s %9s\n", "mode", "run() us",
              "run() cyc", fib_header.c_str(), "fib us", "x CPL3", "fib x");
  for (const ModeRow& row : rows) {
    std::string run_ratio = "-", function_ratio = "-";
    if (base_run > 0) {
      run_ratio = absl::StrFormat("%.1f", row.run_cycles / base_run);
      function_ratio =
          absl::StrFormat("%.0f", row.function_cycles / base_function);
    }
    std::printf("%-46s %10.2f %12.0f %12.0f %10.2f %9s %9s\n",
                row.description.c_str(), Micros(row.run_cycles), row.run_cycles,
                row.function_cycles, Micros(row.function_cycles),
                run_ratio.c_str(), function_ratio.c_str());
  }
  std::printf(
      "(x CPL3: run() and fib cycles as multiples of Wasp's "
      "host-built long mode)\n");
}

std::vector<DataFile> CsvFiles(const std::vector<Row>& table1,
                               const std::vector<ModeRow>& fig3) {
  std::vector<DataFile> files;
  const Samples& s = Measured();
  if (!table1.empty()) {
    std::string text = "step,description,cycles,us\n";
    for (const Row& row : table1) {
      text += absl::StrFormat("%s,\"%s\",%.0f,%.3f\n", row.key, row.label,
                              row.cycles, Micros(row.cycles));
    }
    files.push_back({"table1.csv", text});
  }
  if (!s.boot_steps.empty()) {
    // One row per boot, like upstream's data/table1.csv.
    std::string text = "trial";
    for (int id = 1; id < kMilestoneCount; ++id) {
      text += absl::StrCat(",", kMilestoneNames[id]);
    }
    text += ",total,host_run,host_reset\n";
    for (size_t i = 0; i < s.boot_steps.size(); ++i) {
      text += absl::StrCat(i);
      for (int id = 1; id < kMilestoneCount; ++id) {
        text += absl::StrCat(",", s.boot_steps[i][id]);
      }
      text += absl::StrCat(",", s.boot_total[i], ",", s.boot_run[i], ",",
                           s.boot_reset[i], "\n");
    }
    files.push_back({"table1_trials.csv", text});
  }
  if (!fig3.empty()) {
    std::string text =
        "mode,description,runs,run_cycles,run_us,function_cycles,function_us,"
        "fib_cycles\n";
    for (const ModeRow& row : fig3) {
      text += absl::StrFormat(
          "%s,\"%s\",%d,%.0f,%.3f,%.0f,%.3f,%.1f\n", row.name, row.description,
          row.runs, row.run_cycles, Micros(row.run_cycles), row.function_cycles,
          Micros(row.function_cycles), row.function_cycles / kFibRepeat);
    }
    files.push_back({"fig3.csv", text});
    text = "mode,trial,run_cycles,function_cycles\n";
    for (const ModeRow& row : fig3) {
      const std::vector<FunctionRun>& runs = s.modes.at(row.name);
      for (size_t i = 0; i < runs.size(); ++i) {
        text += absl::StrCat(row.name, ",", i, ",", runs[i].host_cycles, ",",
                             runs[i].guest_cycles, "\n");
      }
    }
    files.push_back({"fig3_trials.csv", text});
  }
  return files;
}

// Takes `--out DIR` / `--out=DIR` out of argv; "" when absent.
std::string TakeOutFlag(int& argc, char** argv) {
  std::string out;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out = argv[++i];
    } else if (std::strncmp(argv[i], "--out=", 6) == 0) {
      out = argv[i] + 6;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return out;
}

int Main(int argc, char** argv) {
  std::string out = TakeOutFlag(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  g_tsc_mhz = CalibrateTscMhz();
  std::string cpu = CpuModel();
  double cpuinfo_mhz = CpuinfoMhz();
  std::printf("TSC: %.1f MHz calibrated (/proc/cpuinfo: %.1f MHz, %s)\n",
              g_tsc_mhz, cpuinfo_mhz, cpu.c_str());
  benchmark::RunSpecifiedBenchmarks();
  std::vector<Row> table1 = Table1Rows();
  std::vector<ModeRow> fig3 = Fig3Rows();
  PrintTable1(table1);
  PrintFig3(fig3);
  benchmark::Shutdown();
  if (out.empty()) return 0;
  utsname host;
  uname(&host);
  std::string machine = absl::StrFormat(
      "cpu,\"%s\"\ntsc_mhz,%.1f\ncpuinfo_mhz,%.1f\nkernel,\"%s %s\"\n"
      "kvm_pvm,%d\n",
      cpu, g_tsc_mhz, cpuinfo_mhz, host.sysname, host.release,
      access("/sys/module/kvm_pvm", F_OK) == 0 ? 1 : 0);
  std::vector<DataFile> files = CsvFiles(table1, fig3);
  files.insert(files.begin(), {"paper_modes_machine.csv", machine});
  return WriteDataFiles(out, files) ? 0 : 1;
}

}  // namespace
}  // namespace wasp::artifacts

int main(int argc, char** argv) { return wasp::artifacts::Main(argc, argv); }
