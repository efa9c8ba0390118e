// wasp-bench: the benchmark suite of wasp-server in one run. The same files
// served by wasp-server with each isolation and by nginx, the server and the
// load pinned to separate CPUs; echo by payload size; scaling to two
// workers; the engine micro-benchmarks; wasp-load against wrk; many
// connections (wasp-scale). Results (a CSV per scenario, README.md, PNG and
// SVG plots) go to --out; the README also goes to stdout, progress to
// stderr. `tools/wasp bench` builds everything and runs it.
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tools/bench/suite/load_driver.h"
#include "tools/bench/suite/plots.h"
#include "tools/bench/suite/raw_outputs.h"
#include "tools/bench/suite/readme.h"
#include "tools/bench/suite/report.h"
#include "tools/bench/suite/suite.h"
#include "tools/common/child_process.h"
#include "tools/common/cpuinfo.h"
#include "tools/common/flag_names.h"
#include "tools/common/stop_children.h"

ABSL_FLAG(std::string, out, "", "where the results go (created)");
ABSL_FLAG(int, duration, 5,
          "seconds per measurement, after 1 s of the same load not counted");
ABSL_FLAG(bool, quick, false,
          "smoke test: 1 s per measurement, no warm-up, 8 connections only");
ABSL_FLAG(std::vector<std::string>, loads,
          std::vector<std::string>({"1", "8", "32"}),
          "connection counts of the HTTP runs");
ABSL_FLAG(std::string, load_tool, "wasp-load",
          "wasp-load or wrk (wrk: no echo, no load tool check)");
ABSL_FLAG(std::vector<std::string>, scenarios,
          std::vector<std::string>({"engine", "http", "echo", "scaling",
                                    "loadcheck", "scale"}),
          "which scenarios run");
ABSL_FLAG(std::string, command, "",
          "the command to name in the README (default: this one)");
ABSL_FLAG(std::string, wasp_server, "", "the wasp-server binary");
ABSL_FLAG(std::string, wasp_load, "", "the wasp-load binary");
ABSL_FLAG(std::string, engine_bench, "", "the engine_bench binary");
ABSL_FLAG(std::string, wasp_scale, "", "the wasp-scale binary");
ABSL_FLAG(std::string, nginx, "/usr/sbin/nginx", "the nginx binary");
ABSL_FLAG(std::string, wrk, "/usr/bin/wrk", "the wrk binary");
ABSL_FLAG(std::string, gnuplot, "/usr/bin/gnuplot", "the gnuplot binary");

namespace wasp::bench {
namespace {

bool Wanted(const std::string& scenario) {
  std::vector<std::string> wanted = absl::GetFlag(FLAGS_scenarios);
  return std::find(wanted.begin(), wanted.end(), scenario) != wanted.end();
}

absl::StatusOr<SuiteConfig> ConfigFromFlags() {
  SuiteConfig config;
  config.options.quick = absl::GetFlag(FLAGS_quick);
  config.options.loads.clear();
  for (const std::string& load : absl::GetFlag(FLAGS_loads)) {
    int connections;
    if (!absl::SimpleAtoi(load, &connections) || connections < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--loads takes connection counts such as 1,8,32, not '", load, "'"));
    }
    config.options.loads.push_back(connections);
  }
  config.duration_s = absl::GetFlag(FLAGS_duration);
  if (config.options.quick) {
    config.duration_s = 1;
    config.warmup_s = 0;
    config.options.loads = {8};
  }
  if (config.duration_s < 1 || config.options.loads.empty()) {
    return absl::InvalidArgumentError(
        "--duration takes whole seconds (1 or more) and --loads at least one "
        "count");
  }
  config.load_tool = absl::GetFlag(FLAGS_load_tool);
  if (config.load_tool != "wasp-load" && config.load_tool != "wrk") {
    return absl::InvalidArgumentError("--load_tool takes wasp-load or wrk");
  }
  config.out = absl::GetFlag(FLAGS_out);
  if (config.out.empty()) {
    return absl::InvalidArgumentError("--out DIR is required");
  }
  config.paths = SuitePaths{.wasp_server = absl::GetFlag(FLAGS_wasp_server),
                            .wasp_load = absl::GetFlag(FLAGS_wasp_load),
                            .engine_bench = absl::GetFlag(FLAGS_engine_bench),
                            .wasp_scale = absl::GetFlag(FLAGS_wasp_scale),
                            .nginx = absl::GetFlag(FLAGS_nginx),
                            .wrk = absl::GetFlag(FLAGS_wrk),
                            .gnuplot = absl::GetFlag(FLAGS_gnuplot)};
  return config;
}

// mkdir -p.
void MakeDirs(const std::string& path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    absl::StrAppend(&prefix, part, "/");
    ::mkdir(prefix.c_str(), 0755);
  }
}

// The files every configuration serves; readable by nginx's workers.
absl::StatusOr<size_t> WriteDocroot(SuiteConfig& config) {
  std::string tmp = "/tmp/wasp-suite.XXXXXX";
  if (::mkdtemp(tmp.data()) == nullptr) {
    return absl::ErrnoToStatus(errno, "mkdtemp /tmp/wasp-suite.XXXXXX");
  }
  ::chmod(tmp.c_str(), 0755);
  config.docroot = tmp + "/docroot";
  ::mkdir(config.docroot.c_str(), 0755);
  const std::string small =
      "<!doctype html><title>small</title><p>A small page for\n"
      "the Wasp benchmark suite, about 100 bytes.</p>\n";
  std::ofstream(config.docroot + "/small.html") << small;
  std::string big(65536, '\0');
  std::ifstream("/dev/urandom").read(big.data(), big.size());
  std::ofstream(config.docroot + "/big.bin") << big;
  return small.size();
}

std::string FirstLineOf(std::vector<std::string> argv, const std::string& raw,
                        const std::string& name) {
  std::string out = absl::StrCat(raw, "/", name, ".version");
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(std::move(argv), out, out);
  if (!child.ok()) return "not found";
  (void)(*child)->Wait(absl::Seconds(10));
  std::string text = ReadFile(out);
  return std::string(
      absl::StripAsciiWhitespace(text.substr(0, text.find('\n'))));
}

std::string ProcStatLine() {
  std::string text = ReadFile("/proc/stat");
  return text.substr(0, text.find('\n'));
}

std::string LoadAverage() {
  std::vector<std::string> fields =
      absl::StrSplit(ReadFile("/proc/loadavg"), ' ');
  fields.resize(3);
  return absl::StrJoin(fields, " ");
}

std::vector<Fact> MachineFacts(const SuiteConfig& config,
                               const std::string& busy_before,
                               const std::string& load_before,
                               std::optional<double> exit_us) {
  utsname name = {};
  ::uname(&name);
  std::string wrk = FirstLineOf({config.paths.wrk, "-v"}, config.raw, "wrk");
  std::string nginx =
      FirstLineOf({config.paths.nginx, "-v"}, config.raw, "nginx");
  std::string cpu = CpuModel();
  return {
      {"cores (`nproc`)", absl::StrCat(::sysconf(_SC_NPROCESSORS_ONLN))},
      {"CPU", cpu.empty() ? "unknown" : cpu},
      {"kernel", absl::StrCat(name.sysname, " ", name.release)},
      {"/sys/module/kvm_pvm",
       ::access("/sys/module/kvm_pvm", F_OK) == 0
           ? "yes (KVM through PVM, no hardware VT-x/SVM)"
           : "no"},
      {"CPU busy just before the run (1 s sample, all cores)", busy_before},
      {"load average before / after",
       absl::StrCat(load_before, " / ", LoadAverage())},
      {"load tool", config.load_tool == "wrk"
                        ? absl::StrCat(wrk, ", one thread per load CPU")
                        : "wasp-load (built from this tree), one thread per "
                          "load CPU, pinned with --cpus"},
      {"wrk (load tool check)", wrk},
      {"nginx", nginx},
      {"exit round trip (BM_RawExitRoundTrip, this run)",
       exit_us ? absl::StrFormat("%.2f us", *exit_us) : "not measured"},
  };
}

bool HttpSmall(const Record& r, bool keepalive) {
  return r.run.file == "small.html" && r.run.keepalive == keepalive;
}

std::string Conns(const Record& r) {
  return absl::StrCat("conns: ", r.run.connections);
}

// A failed run has no bar (its partial figures mean nothing).
std::optional<double> Rps(const Record& r) {
  return r.ok() ? r.load.requests_per_sec : std::nullopt;
}

std::vector<BarChart> Charts(const SuiteRun& run) {
  auto config = [](const Record& r) { return r.run.config; };
  std::vector<BarChart> charts = {
      {.name = "throughput-keepalive-small",
       .title = "HTTP keep-alive, small.html: throughput (1 worker on CPU 0, "
                "load on CPU 1)",
       .xlabel = "configuration",
       .ylabel = "requests/s",
       .table = Pivot(
           run.http, [](const Record& r) { return HttpSmall(r, true); }, config,
           Conns, Rps)},
      {.name = "p99-keepalive-small",
       .title = "HTTP keep-alive, small.html: p99 latency (1 worker on CPU 0, "
                "load on CPU 1)",
       .xlabel = "configuration",
       .ylabel = "p99 latency, ms (log scale)",
       .log_y = true,
       .label_format = "%.2f",
       .label_scale = 1,
       .table = Pivot(
           run.http, [](const Record& r) { return HttpSmall(r, true); }, config,
           Conns,
           [](const Record& r) -> std::optional<double> {
             if (!r.ok() || !r.load.p99_us) return std::nullopt;
             return *r.load.p99_us / 1000;
           })},
      {.name = "throughput-close-small",
       .title = "HTTP one request per connection, small.html: throughput",
       .xlabel = "configuration",
       .ylabel = "requests/s",
       .table = Pivot(
           run.http, [](const Record& r) { return HttpSmall(r, false); },
           config, Conns, Rps)},
      {.name = "scaling",
       .title = absl::StrCat("HTTP keep-alive, small.html, ", run.loads.back(),
                             " conns: 1 worker vs 2 workers"),
       .xlabel = "configuration",
       .ylabel = "requests/s",
       .table = Pivot(
           run.scaling, [](const Record&) { return true; }, config,
           [](const Record& r) {
             return absl::StrCat("workers: ", r.run.placement.workers);
           },
           Rps)},
      {.name = "echo-throughput",
       .title = absl::StrCat("echo: throughput by payload size (",
                             kEchoConnections, " conns)"),
       .xlabel = "payload per request",
       .ylabel = "requests/s",
       .table = Pivot(
           run.echo, [](const Record&) { return true; },
           [](const Record& r) { return ByteLabel(r.run.payload_bytes); },
           config, Rps)},
  };
  return charts;
}

void Write(const std::string& path, const std::string& text) {
  if (absl::Status written = WriteFile(path, text); !written.ok()) {
    std::fprintf(stderr, "suite: %s\n", written.ToString().c_str());
  }
}

std::vector<std::pair<std::string, std::vector<LogEvent>>> ServerEvents(
    const std::string& raw) {
  std::vector<std::pair<std::string, std::vector<LogEvent>>> events;
  std::vector<std::string> names;
  for (const std::string& config : kHttpConfigs) {
    for (const char* app : {"http", "echo"}) {
      for (int workers : {1, 2}) {
        names.push_back(absl::StrCat(config, "-", app, "-w", workers));
      }
    }
  }
  for (const std::string& name : names) {
    std::string log = ReadFile(absl::StrCat(raw, "/server-", name, ".log"));
    std::vector<LogEvent> lines = LogEvents(log, 5);
    if (!lines.empty()) events.push_back({name, lines});
  }
  return events;
}

// Runs every wanted scenario into `run`.
void RunScenarios(const SuiteConfig& config, SuiteRun& run) {
  run.engine_status = "not run";
  if (Wanted("engine")) {
    absl::Status engine = RunEngine(config);
    run.engine_status = engine.ok() ? "ok" : engine.ToString();
    run.exit_us = ExitRoundTripUs(ReadFile(config.out + "/engine.csv"));
    run.engine_figures = FigureSection(ReadFile(config.out + "/engine.txt"));
    std::fprintf(
        stderr, "suite: exit round trip %s us\n",
        run.exit_us ? absl::StrFormat("%.2f", *run.exit_us).c_str() : "NA");
  }
  if (Wanted("http")) run.http = RunPlan(config, HttpPlan(config.options));
  DeriveHttp(run.http, run.exit_us);
  if (config.load_tool == "wrk") {
    run.echo_note =
        "skipped: wrk speaks only HTTP (chosen with --load_tool=wrk)";
  } else if (Wanted("echo")) {
    run.echo = RunPlan(config, EchoPlan());
  } else {
    run.echo_note = "not run (--scenarios)";
  }
  DeriveEcho(run.echo);
  if (Wanted("scaling")) {
    run.scaling = RunPlan(config, ScalingPlan(config.options));
  }
  DeriveHttp(run.scaling, run.exit_us);
  std::vector<LoadCheckRecord> rounds;
  if (config.load_tool == "wrk") {
    run.load_check_note = "skipped: the load tool is wrk (--load_tool=wrk)";
  } else if (::access(config.paths.wrk.c_str(), X_OK) != 0) {
    run.load_check_note =
        absl::StrCat("skipped: ", config.paths.wrk,
                     " is not installed (apt-get install wrk)");
  } else if (Wanted("loadcheck")) {
    rounds = RunLoadCheck(config);
    run.load_check = LoadCheck(rounds);
  } else {
    run.load_check_note = "not run (--scenarios)";
  }
  Write(config.out + "/loadcheck.csv", LoadCheckCsv(rounds));
  if (Wanted("scale")) {
    if (absl::Status scale = RunScale(config); !scale.ok()) {
      std::fprintf(stderr, "suite: %s\n", scale.ToString().c_str());
    }
    run.scale_md = ReadFile(config.out + "/scale/scale.md");
  }
}

// The share of the CPUs busy over one second, as the README shows it
// (other users of a shared machine skew every figure).
std::string SampleCpuBusy() {
  std::string before = ProcStatLine();
  absl::SleepFor(absl::Seconds(1));
  std::optional<double> busy = BusyFraction(before, ProcStatLine());
  std::string text = busy ? absl::StrFormat("%.0f%%", 100 * *busy) : "unknown";
  if (busy && *busy > 0.1) {
    std::fprintf(stderr,
                 "suite: warning: the CPUs were %s busy before the run; other "
                 "work on this machine skews the figures\n",
                 text.c_str());
  }
  return text;
}

void WriteCsvAndPlots(const SuiteConfig& config, SuiteRun& run) {
  Write(config.out + "/http.csv", HttpCsv(run.http));
  Write(config.out + "/echo.csv", EchoCsv(run.echo));
  Write(config.out + "/scaling.csv", HttpCsv(run.scaling));
  for (const BarChart& chart : Charts(run)) {
    absl::Status drawn =
        Render(chart, config.out, config.raw, config.paths.gnuplot);
    if (drawn.ok()) {
      run.plots.push_back(chart.name);
    } else {
      std::fprintf(stderr, "suite: %s\n", drawn.ToString().c_str());
    }
  }
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the benchmark suite of wasp-server (tools/wasp bench runs it).\n"
      "  wasp-bench --out DIR --wasp_server=... --wasp_load=... "
      "--engine_bench=... --wasp_scale=... [--quick]");
  ListToolFlagsInHelp();
  UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<SuiteConfig> parsed = ConfigFromFlags();
  if (!parsed.ok()) {
    std::fprintf(stderr, "wasp-bench: %s\n",
                 std::string(parsed.status().message()).c_str());
    return 2;
  }
  SuiteConfig config = *std::move(parsed);
  StopChildrenOnSignal();
  absl::Time started = absl::Now();
  config.raw = config.out + "/raw";
  MakeDirs(config.raw);
  Write(config.raw + "/close.lua", kWrkCloseScript);
  absl::StatusOr<size_t> small = WriteDocroot(config);
  if (!small.ok()) {
    std::fprintf(stderr, "wasp-bench: %s\n", small.status().ToString().c_str());
    return 1;
  }
  SuiteRun run{
      .name = std::string(config.out.substr(config.out.rfind('/') + 1)),
      .command = absl::GetFlag(FLAGS_command),
      .duration_s = config.duration_s,
      .warmup_s = config.warmup_s,
      .loads = config.options.loads,
      .load_tool = config.load_tool,
      .small_html_bytes = *small};
  if (run.command.empty()) run.command = absl::StrJoin(argv, argv + argc, " ");
  std::string load_before = LoadAverage();
  std::string busy_before = SampleCpuBusy();
  std::fprintf(stderr, "suite: results in %s; load tool %s; %d s per run\n",
               config.out.c_str(), config.load_tool.c_str(), config.duration_s);
  RunScenarios(config, run);
  WriteCsvAndPlots(config, run);
  run.machine = MachineFacts(config, busy_before, load_before, run.exit_us);
  run.server_events = ServerEvents(config.raw);
  run.elapsed_s = static_cast<int>(absl::ToInt64Seconds(absl::Now() - started));
  std::string readme = Readme(run);
  Write(config.out + "/README.md", readme);
  std::fputs(readme.c_str(), stdout);
  std::error_code ignored;
  std::filesystem::remove_all(
      std::filesystem::path(config.docroot).parent_path(), ignored);
  std::fprintf(stderr, "suite: done in %d s; results in %s\n", run.elapsed_s,
               config.out.c_str());
  return 0;
}

}  // namespace
}  // namespace wasp::bench

int main(int argc, char** argv) { return wasp::bench::Main(argc, argv); }
