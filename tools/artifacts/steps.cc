#include "tools/artifacts/steps.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "tools/artifacts/data_files.h"

namespace wasp::artifacts {
namespace {

std::vector<Step> MakeSteps() {
  return {
      {.name = "paper_modes",
       .reproduces = "Table 1 and Fig. 3",
       .target = "//tools/artifacts:paper_modes",
       .args = {"--out", "{data}",
                "--benchmark_out={data}/paper_modes_benchmark.csv",
                "--benchmark_out_format=csv"},
       .console = "paper_modes.txt",
       .outputs = {"table1.csv", "table1_trials.csv", "fig3.csv",
                   "fig3_trials.csv", "paper_modes_machine.csv",
                   "paper_modes_benchmark.csv"},
       .excerpt = {"Table 1 and Fig. 3", "Table 1:", kDataWritten}},
      {.name = "paper_echo",
       .reproduces = "Fig. 4",
       .target = "//tools/artifacts:paper_echo",
       .args = {"--out", "{data}"},
       .console = "paper_echo.txt",
       .outputs = {"fig4.csv", "fig4_trials.csv", "fig4_by_milestone.csv"},
       .excerpt = {"Fig. 4", "Fig. 4:", kDataWritten}},
      {.name = "paper_js",
       .reproduces = "Fig. 14",
       .target = "//tools/artifacts:paper_js",
       .args = {"--script", "{repo}/guest/js/test.js", "--out", "{data}"},
       .console = "paper_js.txt",
       .outputs = {"fig14.csv", "fig14_trials.csv"},
       .excerpt = {"Fig. 14", "Fig. 14:", kDataWritten}},
      {.name = "engine_bench",
       .reproduces = "Figs. 8, 11, 12",
       .part = Part::kEngine,
       .target = "//tools/bench:engine_bench",
       .args = {"--benchmark_out={data}/engine.csv",
                "--benchmark_out_format=csv"},
       .console = "engine_bench.txt",
       .outputs = {"engine.csv"},
       .about = "about a minute",
       .excerpt = {"Engine and Figs. 8, 11, 12 (ratios to the exit round "
                   "trip)",
                   "figure ", ""}},
      {.name = "aes_speed",
       .reproduces = "Sec. 6.4",
       .part = Part::kOpenssl,
       .target = "//tools/aes:aes_speed",
       .args = {"--seconds=1"},
       .console = "openssl.txt",
       .console_stderr = false,
       .may_fail = true,
       .about = "about 20 s",
       .excerpt = {"Sec. 6.4: AES-128-CBC (1000s of bytes per second)", "type ",
                   "`"}},
      {.name = "wasp bench",
       .reproduces = "Fig. 13",
       .part = Part::kSuite,
       .program = "tools/wasp",
       .args = {"bench", "--quick", "--out", "{data}/fig13"},
       .console = "fig13/suite.txt",
       .echo = false,
       .outputs = {"fig13/README.md"},
       .png_dir = "fig13",
       .timeout = absl::Seconds(180),
       .may_fail = true,
       .about = "a few minutes; its console goes to data/fig13/suite.txt"},
  };
}

std::vector<Figure> MakeFigures() {
  const char* engine = "engine_bench";
  return {
      {"Table 1: boot time breakdown", "table1.png", "table1", "table1.csv",
       "data/table1.csv (medians), data/table1_trials.csv (every boot)",
       "paper_modes"},
      {"Fig. 3: mode latency", "fig3.png", "fig3", "fig3.csv",
       "data/fig3.csv (medians), data/fig3_trials.csv (every run)",
       "paper_modes"},
      {"Fig. 4: echo server boot latency", "fig4.png", "fig4",
       "fig4_by_milestone.csv",
       "data/fig4.csv (median and p90 per milestone), data/fig4_trials.csv "
       "(every connection), data/fig4_by_milestone.csv (the plot's)",
       "paper_echo"},
      {"Figs. 2 and 8: context creation", "fig8.png", "fig8", "fig8.csv",
       "data/fig8.csv, from data/engine.csv", engine},
      {"Fig. 11: fib(n)", "fig11.png", "fig11", "fig11.csv",
       "data/fig11.csv, from data/engine.csv", engine},
      {"Fig. 12: image size", "fig12.png", "fig12", "fig12.csv",
       "data/fig12.csv, from data/engine.csv", engine},
      {"Fig. 13: HTTP server", "fig13_*.png", "", "",
       "data/fig13/ (tools/wasp bench --quick: its CSV, README and plots; "
       "console in suite.txt)",
       "wasp bench"},
      {"Fig. 14: JavaScript per invocation", "fig14.png", "fig14", "fig14.csv",
       "data/fig14.csv (median, p10, p90 and ratio to native per variant, "
       "beside upstream's), data/fig14_trials.csv (every invocation)",
       "paper_js"},
      {"Sec. 6.4: OpenSSL's AES in a virtine", "", "", "",
       "data/openssl.txt (openssl speed's table: vpaes native, in a virtine, "
       "and openssl speed with AES-NI masked)",
       "aes_speed"},
  };
}

std::vector<std::string> Substituted(const std::vector<std::string>& args,
                                     const std::string& repo,
                                     const std::string& data) {
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    out.push_back(absl::StrReplaceAll(
        arg, {{"{data}", data}, {"{repo}/", repo.empty() ? "" : repo + "/"}}));
  }
  return out;
}

}  // namespace

const std::vector<Step>& Steps() {
  static const std::vector<Step>* steps = new std::vector<Step>(MakeSteps());
  return *steps;
}

const std::vector<Figure>& Figures() {
  static const std::vector<Figure>* figures =
      new std::vector<Figure>(MakeFigures());
  return *figures;
}

bool Wanted(const Step& step, const PartsWanted& parts) {
  switch (step.part) {
    case Part::kPaper:
      return true;
    case Part::kEngine:
      return parts.engine;
    case Part::kOpenssl:
      return parts.openssl;
    case Part::kSuite:
      return parts.suite;
  }
  return true;
}

std::string SkipOption(const Step& step) {
  switch (step.part) {
    case Part::kPaper:
      return "";
    case Part::kEngine:
      return "--no-engine";
    case Part::kOpenssl:
      return "--no-openssl";
    case Part::kSuite:
      return "--no-suite";
  }
  return "";
}

std::string TargetPath(const std::string& target) {
  absl::string_view path = target;
  absl::ConsumePrefix(&path, "//");
  return absl::StrReplaceAll(path, {{":", "/"}});
}

std::vector<std::string> Targets(const PartsWanted& parts) {
  std::vector<std::string> targets;
  for (const Step& step : Steps()) {
    if (!step.target.empty() && Wanted(step, parts)) {
      targets.push_back(step.target);
    }
  }
  return targets;
}

std::vector<std::string> StepArgv(const Step& step, const std::string& bin,
                                  const std::string& repo,
                                  const std::string& data) {
  std::vector<std::string> argv = {
      step.target.empty() ? absl::StrCat(repo, "/", step.program)
                          : absl::StrCat(bin, "/", TargetPath(step.target))};
  for (std::string& arg : Substituted(step.args, repo, data)) {
    argv.push_back(std::move(arg));
  }
  return argv;
}

std::string StepCommand(const Step& step) {
  std::string program =
      step.target.empty() ? step.program
                          : absl::StrCat("bazel-bin/", TargetPath(step.target));
  std::vector<std::string> args = Substituted(step.args, "", "data");
  return absl::StrCat(program, " ", absl::StrJoin(args, " "), " > data/",
                      step.console, step.console_stderr ? " 2>&1" : "");
}

}  // namespace wasp::artifacts
