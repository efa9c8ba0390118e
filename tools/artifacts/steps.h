// What wasp-artifacts runs and what it packs, as data: one step per program
// of the upstream paper's experiments, one row per figure of the paper.
#ifndef WASP_TOOLS_ARTIFACTS_STEPS_H_
#define WASP_TOOLS_ARTIFACTS_STEPS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wasp::artifacts {

// Which option leaves a step out.
enum class Part { kPaper, kEngine, kOpenssl, kSuite };

// The lines of a step's console output the README shows.
struct Excerpt {
  std::string heading;  // the README section's
  std::string start;    // from the first line that starts with this
  std::string stop;     // up to the next that starts with this ("": the end)
};

struct Step {
  std::string name;        // in the log and the README: "paper_modes"
  std::string reproduces;  // "Table 1 and Fig. 3"
  Part part = Part::kPaper;
  std::string target;   // built with -c opt and run from bazel-bin
  std::string program;  // else a program of the checkout: "tools/wasp"
  // "{data}" stands for the data directory, "{repo}" for the checkout.
  std::vector<std::string> args;
  std::string console;               // in data/: its stdout
  bool console_stderr = true;        // its stderr too, else that goes to ours
  bool echo = true;                  // its stdout also goes to ours as it comes
  std::vector<std::string> outputs;  // what else it writes into data/
  std::string png_dir;  // in data/: its PNGs go beside the figures as
                        // <png_dir>_<name>.png
  absl::Duration timeout = absl::Minutes(30);
  bool may_fail = false;  // its failure does not fail the run
  std::string about;      // how long it takes, for the log
  Excerpt excerpt;        // heading "": none
};

// In the order they run.
const std::vector<Step>& Steps();

// A row of the README's contents table.
struct Figure {
  std::string paper;      // "Table 1: boot time breakdown"
  std::string png;        // beside the README: "table1.png", "fig13_*.png"
  std::string plot;       // plots/<plot>.gp draws the PNG ("": none does)
  std::string plot_data;  // its input in data/
  std::string data;       // what data/ holds for it
  std::string step;       // the step it comes from
};

const std::vector<Figure>& Figures();

// The options that leave steps out, as the user gives them.
struct PartsWanted {
  bool engine = true;
  bool openssl = true;
  bool suite = true;
};

bool Wanted(const Step& step, const PartsWanted& parts);
// The option that leaves `step` out ("--no-engine"); "" for none.
std::string SkipOption(const Step& step);

// "//tools/bench:engine_bench" -> "tools/bench/engine_bench".
std::string TargetPath(const std::string& target);
// What to build for the wanted steps, in their order.
std::vector<std::string> Targets(const PartsWanted& parts);

// The step's argv, to run: the program under `bin` (bazel-bin) or `repo`.
std::vector<std::string> StepArgv(const Step& step, const std::string& bin,
                                  const std::string& repo,
                                  const std::string& data);
// The same as the README shows it, relative to the artifacts directory and
// the checkout, its console redirected: "bazel-bin/tools/artifacts/paper_js
// --script guest/js/test.js --out data > data/paper_js.txt 2>&1".
std::string StepCommand(const Step& step);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_STEPS_H_
