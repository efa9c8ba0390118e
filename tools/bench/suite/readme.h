// The suite's README.md: every table, the targets, how the run was pinned
// and on what machine, from the records of one run.
#ifndef WASP_TOOLS_BENCH_SUITE_README_H_
#define WASP_TOOLS_BENCH_SUITE_README_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/bench/suite/records.h"
#include "tools/bench/suite/report.h"
#include "tools/common/markdown.h"

namespace wasp::bench {

using LogEvent = std::pair<int, std::string>;

struct SuiteRun {
  std::string name;     // the results directory's name
  std::string command;  // as the user typed it
  int duration_s = 0;
  int warmup_s = 0;
  std::vector<int> loads;
  int elapsed_s = 0;
  std::string load_tool;  // wasp-load or wrk
  std::vector<Fact> machine;
  std::optional<double> exit_us;
  std::vector<Record> http;
  std::vector<Record> echo;
  std::vector<Record> scaling;
  std::string echo_note;  // why echo did not run, if it did not
  std::string engine_status;
  std::string engine_figures;
  std::vector<LoadCheckRow> load_check;
  std::string load_check_note;  // why the check did not run, if it did not
  std::vector<std::pair<std::string, std::vector<LogEvent>>> server_events;
  std::vector<std::string> plots;  // names of name.png and name.svg
  size_t small_html_bytes = 0;
  std::string scale_md;  // wasp-scale's report, if it ran
};

std::string Readme(const SuiteRun& run);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_README_H_
