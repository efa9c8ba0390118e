// wasp-artifacts' run, like upstream's `make artifacts.tar`: builds the
// steps' programs with -c opt and runs them (steps.h), derives Figs. 8, 11
// and 12 from engine_bench's CSV, plots every figure with gnuplot, writes a
// README naming the machine and packs README, data and figures into
// artifacts.tar.
#ifndef WASP_TOOLS_ARTIFACTS_ARTIFACTS_H_
#define WASP_TOOLS_ARTIFACTS_ARTIFACTS_H_

#include <string>
#include <vector>

#include "tools/artifacts/readme.h"
#include "tools/artifacts/steps.h"

namespace wasp::artifacts {

struct Options {
  std::string out;         // absolute: the README, figures, data/, the tar
  bool from_data = false;  // build and run nothing: derive again from data/
  std::string repo;        // absolute: the checkout
  PartsWanted parts;
  bool plots = true;
  std::string command;              // named in the README
  std::string gnuplot = "gnuplot";  // looked up in PATH
};

enum class Outcome {
  kOk,
  kFailed,
  kTimedOut,
  kSkipped,   // by an option
  kMissing,   // its program is not there
  kNotRun,    // --from-data: no console output of it
  kRecorded,  // --from-data: its console output is there
};

struct StepResult {
  const Step* step = nullptr;
  Outcome outcome = Outcome::kNotRun;
  std::string detail;  // "exit 3", "wrote no data/fig3.csv"
};

// 0 when every step ran or was left out by an option, or failed but may
// fail (noted in the README); 1 otherwise.
int MakeArtifacts(const Options& options);

// The contents table: each figure, its PNG if drawn, its data or why there
// is none.
std::vector<ContentsRow> Contents(const std::vector<StepResult>& results,
                                  const std::string& out);

// The README's commands: the build, then each step that ran, a failure
// noted after it.
std::vector<std::string> Commands(const std::vector<StepResult>& results,
                                  const PartsWanted& parts);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_ARTIFACTS_H_
