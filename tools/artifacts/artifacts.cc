#include "tools/artifacts/artifacts.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tools/artifacts/console_run.h"
#include "tools/artifacts/engine_figures.h"
#include "tools/common/benchmark_csv.h"
#include "tools/common/child_process.h"
#include "tools/common/cpuinfo.h"
#include "tools/common/proc_stats.h"

namespace wasp::artifacts {
namespace {

namespace fs = std::filesystem;

template <typename... Args>
void Log(const absl::FormatSpec<Args...>& format, const Args&... args) {
  std::fprintf(stderr, "wasp-artifacts: %s\n",
               absl::StrFormat(format, args...).c_str());
}

bool NonEmpty(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && fs::file_size(path, error) > 0;
}

// The PNGs in `dir`, by name.
std::vector<std::string> Pngs(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".png")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What an earlier run leaves that this one writes again.
void Clean(const fs::path& out) {
  std::error_code error;
  fs::remove_all(out / "data", error);
  fs::remove(out / "README.md", error);
  fs::remove(out / "artifacts.tar", error);
  for (const std::string& png : Pngs(out)) fs::remove(out / png, error);
}

// Builds the wanted steps' programs; bazel-bin.
absl::StatusOr<std::string> Build(const PartsWanted& parts) {
  std::vector<std::string> targets = Targets(parts);
  std::vector<std::string> argv = {"/usr/bin/env", "bazel", "build", "-c",
                                   "opt"};
  argv.insert(argv.end(), targets.begin(), targets.end());
  Log("bazel build -c opt %s", absl::StrJoin(targets, " "));
  absl::StatusOr<std::string> log = TempFile("build");
  if (!log.ok()) return log.status();
  absl::StatusOr<int> built = RunWithConsole(
      argv, {.out = *log, .err = *log, .echo_out = stderr}, absl::Hours(2));
  ::unlink(log->c_str());
  if (!built.ok()) return built.status();
  if (*built != 0) {
    return absl::InternalError(
        absl::StrCat("bazel build exited with ", *built));
  }
  absl::StatusOr<std::string> bin =
      OutputOf({"/usr/bin/env", "bazel", "info", "-c", "opt", "bazel-bin"});
  if (!bin.ok()) return bin.status();
  return std::string(absl::StripAsciiWhitespace(*bin));
}

// Its PNGs (data/<png_dir>/x.png) beside the figures as <png_dir>_x.png.
void CopyPngs(const Step& step, const fs::path& data, const fs::path& out) {
  if (step.png_dir.empty()) return;
  std::error_code error;
  for (const std::string& png : Pngs(data / step.png_dir)) {
    fs::copy_file(data / step.png_dir / png,
                  out / absl::StrCat(step.png_dir, "_", png),
                  fs::copy_options::overwrite_existing, error);
  }
}

StepResult Finished(const Step& step, const absl::StatusOr<int>& status,
                    const fs::path& data) {
  if (status.status().code() == absl::StatusCode::kDeadlineExceeded) {
    return {&step, Outcome::kTimedOut,
            absl::StrCat("stopped after ", absl::FormatDuration(step.timeout))};
  }
  if (!status.ok()) {
    return {&step, Outcome::kFailed, std::string(status.status().message())};
  }
  if (*status != 0) {
    return {&step, Outcome::kFailed, absl::StrCat("exit ", *status)};
  }
  for (const std::string& output : step.outputs) {
    if (!NonEmpty(data / output)) {
      return {&step, Outcome::kFailed, absl::StrCat("wrote no data/", output)};
    }
  }
  return {&step, Outcome::kOk, ""};
}

StepResult RunStep(const Step& step, const Options& options,
                   const std::string& bin, const fs::path& data) {
  if (!Wanted(step, options.parts)) {
    return {&step, Outcome::kSkipped, SkipOption(step)};
  }
  std::vector<std::string> argv =
      StepArgv(step, bin, options.repo, data.string());
  if (::access(argv[0].c_str(), X_OK) != 0) {
    Log("%s: %s does not exist", step.reproduces, argv[0]);
    return {&step, Outcome::kMissing, absl::StrCat(argv[0], " does not exist")};
  }
  Log("%s: %s%s", step.reproduces, step.name,
      step.about.empty() ? "" : absl::StrCat(" (", step.about, ")"));
  fs::path console = data / step.console;
  std::error_code error;
  fs::create_directories(console.parent_path(), error);
  absl::StatusOr<int> status =
      RunWithConsole(argv,
                     {.out = console.string(),
                      .err = step.console_stderr ? console.string() : "",
                      .echo_out = step.echo ? stdout : nullptr},
                     step.timeout);
  CopyPngs(step, data, options.out);
  StepResult result = Finished(step, status, data);
  if (result.outcome != Outcome::kOk) {
    Log("%s: %s: %s; see data/%s", step.reproduces, step.name, result.detail,
        step.console);
  }
  return result;
}

// --from-data: the steps whose console or other output is there ran.
std::vector<StepResult> RecordedResults(const fs::path& data) {
  std::vector<StepResult> results;
  for (const Step& step : Steps()) {
    bool ran = NonEmpty(data / step.console) ||
               std::any_of(step.outputs.begin(), step.outputs.end(),
                           [&](const std::string& output) {
                             return NonEmpty(data / output);
                           });
    results.push_back({&step, ran ? Outcome::kRecorded : Outcome::kNotRun});
  }
  return results;
}

void WriteEngineFigures(const fs::path& data) {
  std::string csv = ReadFile((data / "engine.csv").string());
  if (csv.empty()) return;
  EngineFigures figures = DeriveEngineFigures(ParseBenchmarkCsv(csv));
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"fig8.csv", Fig8Csv(figures.fig8)},
        {"fig11.csv", Fig11Csv(figures.fig11)},
        {"fig12.csv", Fig12Csv(figures.fig12)}}) {
    if (absl::Status written = WriteFile((data / name).string(), text);
        !written.ok()) {
      Log("%s", written.ToString());
    }
  }
}

void Plot(const Options& options) {
  absl::StatusOr<std::string> terminals =
      OutputOf({"/usr/bin/env", options.gnuplot, "-e", "set terminal"}, true);
  if (!terminals.ok()) {
    Log("no gnuplot (tools/wasp artifacts installs gnuplot-nox): no figures");
    return;
  }
  std::string term =
      absl::StrContains(*terminals, "pngcairo") ? "pngcairo" : "png";
  fs::path data = fs::path(options.out) / "data";
  for (const Figure& figure : Figures()) {
    if (figure.plot.empty()) continue;
    if (!NonEmpty(data / figure.plot_data)) {
      Log("no data for %s: not plotted", figure.plot);
      continue;
    }
    std::string script = absl::StrCat(options.repo, "/tools/artifacts/plots/",
                                      figure.plot, ".gp");
    absl::StatusOr<int> status =
        RunWithConsole({"/usr/bin/env", options.gnuplot, "-e",
                        absl::StrFormat("data='%s'; out='%s'; term='%s'",
                                        data.string(), options.out, term),
                        script},
                       {.out = "/dev/null"}, absl::Minutes(1));
    if (!status.ok() || *status != 0) {
      Log("gnuplot failed on %s", figure.plot);
      std::error_code error;  // it left an empty PNG
      fs::remove(fs::path(options.out) / figure.png, error);
    }
  }
}

std::string CommitFact(const std::string& repo) {
  absl::StatusOr<std::string> head = OutputOf(
      {"/usr/bin/env", "git", "-C", repo, "rev-parse", "--short", "HEAD"});
  if (!head.ok()) return "unknown";
  absl::StatusOr<std::string> changes =
      OutputOf({"/usr/bin/env", "git", "-C", repo, "status", "--porcelain"});
  return absl::StrCat(
      absl::StripAsciiWhitespace(*head),
      changes.ok() && !changes->empty() ? " (with uncommitted changes)" : "");
}

std::vector<Fact> MachineFacts(const Options& options, const fs::path& data) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int cores = ::sched_getaffinity(0, sizeof cpus, &cpus) == 0
                  ? CPU_COUNT(&cpus)
                  : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  absl::StatusOr<uint64_t> memory = ProcKiB("/proc/meminfo", "MemTotal");
  utsname host = {};
  ::uname(&host);
  return {
      {"date",
       absl::FormatTime("%Y-%m-%dT%H:%MZ", absl::Now(), absl::UTCTimeZone())},
      {"CPU", CpuModel()},
      {"cores", absl::StrCat(cores)},
      {"memory", memory.ok() ? absl::StrFormat("%.0f GiB", *memory / 1048576.0)
                             : "unknown"},
      {"kernel", absl::StrCat(host.sysname, " ", host.release)},
      {"virtualization",
       Virtualization(::access("/sys/module/kvm_pvm", F_OK) == 0,
                      CpuinfoField("flags"))},
      {"TSC", TscFact(ReadFile((data / "paper_modes_machine.csv").string()))},
      {"Wasp commit", CommitFact(options.repo)},
  };
}

ArtifactsReadme ReadmeOf(const Options& options,
                         const std::vector<StepResult>& results,
                         std::vector<std::string> commands) {
  fs::path data = fs::path(options.out) / "data";
  ArtifactsReadme readme = {.command = options.command,
                            .machine = MachineFacts(options, data),
                            .commands = std::move(commands),
                            .contents = Contents(results, options.out)};
  for (const Step& step : Steps()) {
    if (!fs::exists(data / step.console)) continue;
    readme.consoles.push_back(absl::StrCat("data/", step.console));
    if (step.excerpt.heading.empty()) continue;
    readme.excerpts.push_back(
        {step.excerpt.heading,
         ConsoleSection(ReadFile((data / step.console).string()),
                        step.excerpt.start, step.excerpt.stop)});
  }
  return readme;
}

absl::Status Pack(const fs::path& out) {
  std::vector<std::string> argv = {
      "/usr/bin/env", "tar", "-C",
      out.string(),   "-cf", (out / "artifacts.tar").string(),
      "README.md",    "data"};
  for (const std::string& png : Pngs(out)) argv.push_back(png);
  absl::StatusOr<int> status =
      RunWithConsole(argv, {.out = "/dev/null"}, absl::Minutes(5));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(absl::StrCat("tar exited with ", *status));
  }
  return absl::OkStatus();
}

std::string OutcomeNote(const StepResult& result) {
  const Step& step = *result.step;
  switch (result.outcome) {
    case Outcome::kOk:
    case Outcome::kRecorded:
      return "";
    case Outcome::kSkipped:
      return absl::StrCat("skipped (", result.detail, ")");
    case Outcome::kFailed:
    case Outcome::kTimedOut:
      return absl::StrCat(step.name, " ", result.detail, "; see data/",
                          step.console);
    case Outcome::kMissing:
      return absl::StrCat("not run: ", result.detail);
    case Outcome::kNotRun:
      return "not run";
  }
  return "";
}

}  // namespace

std::vector<ContentsRow> Contents(const std::vector<StepResult>& results,
                                  const std::string& out) {
  std::vector<std::string> pngs = Pngs(out);
  std::vector<ContentsRow> rows;
  for (const Figure& figure : Figures()) {
    absl::string_view png = figure.png;
    bool glob = absl::ConsumeSuffix(&png, "*.png");
    bool drawn = std::any_of(pngs.begin(), pngs.end(), [&](const auto& name) {
      return glob ? absl::StartsWith(name, png) : name == png;
    });
    std::string data = figure.data;
    for (const StepResult& result : results) {
      if (result.step->name != figure.step) continue;
      std::string note = OutcomeNote(result);
      if (!note.empty()) data = note;
    }
    rows.push_back({figure.paper, drawn ? figure.png : "-", data});
  }
  return rows;
}

std::vector<std::string> Commands(const std::vector<StepResult>& results,
                                  const PartsWanted& parts) {
  std::vector<std::string> commands = {
      absl::StrCat("bazel build -c opt ", absl::StrJoin(Targets(parts), " "))};
  for (const StepResult& result : results) {
    switch (result.outcome) {
      case Outcome::kSkipped:
      case Outcome::kMissing:
      case Outcome::kNotRun:
        break;
      case Outcome::kOk:
      case Outcome::kRecorded:
        commands.push_back(StepCommand(*result.step));
        break;
      case Outcome::kFailed:
      case Outcome::kTimedOut:
        commands.push_back(
            absl::StrCat(StepCommand(*result.step), "  # ", result.detail));
        break;
    }
  }
  return commands;
}

int MakeArtifacts(const Options& options) {
  fs::path out = options.out;
  fs::path data = out / "data";
  std::vector<StepResult> results;
  std::vector<std::string> commands;
  std::error_code error;
  if (options.from_data) {
    if (!fs::is_directory(data, error)) {
      Log("no %s", data.string());
      return 1;
    }
    results = RecordedResults(data);
    commands = CommandsOf(ReadFile((out / "README.md").string()));
  } else {
    Clean(out);
    fs::create_directories(data, error);
    absl::StatusOr<std::string> bin = Build(options.parts);
    if (!bin.ok()) {
      Log("%s", bin.status().ToString());
      return 1;
    }
    for (const Step& step : Steps()) {
      results.push_back(RunStep(step, options, *bin, data));
    }
    commands = Commands(results, options.parts);
  }
  WriteEngineFigures(data);
  if (options.plots) Plot(options);
  absl::Status written =
      WriteFile((out / "README.md").string(),
                Readme(ReadmeOf(options, results, std::move(commands))));
  if (written.ok()) written = Pack(out);
  if (!written.ok()) {
    Log("%s", written.ToString());
    return 1;
  }
  Log("done: %s", (out / "artifacts.tar").string());
  bool failed = std::any_of(results.begin(), results.end(), [](const auto& r) {
    return (r.outcome == Outcome::kFailed || r.outcome == Outcome::kTimedOut ||
            r.outcome == Outcome::kMissing) &&
           !r.step->may_fail;
  });
  return failed ? 1 : 0;
}

}  // namespace wasp::artifacts
