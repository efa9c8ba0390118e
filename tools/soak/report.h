// What a soak writes: soak.csv (a row a second), segments.csv (a row per
// wasp-load segment), soak.md (the summary) and the gnuplot script that
// draws soak.png and soak.svg from the two CSV files. Pure functions.
#ifndef WASP_TOOLS_SOAK_REPORT_H_
#define WASP_TOOLS_SOAK_REPORT_H_

#include <array>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/soak/criteria.h"
#include "tools/soak/samples.h"
#include "tools/soak/traffic.h"

namespace wasp::soak {

// Named columns: t_s, then http_<field> and hostile_<field> for every
// kServerFields entry (and _alive), then <kind>_ok, <kind>_expected and
// <kind>_unexpected for every traffic kind.
std::vector<std::string> SoakCsvColumns();
std::string SoakCsvHeader();
std::string SoakCsvRow(const SoakSample& sample);

std::vector<std::string> SegmentsCsvColumns();
std::string SegmentsCsv(const std::vector<SegmentResult>& segments);

// How the soak ran, for soak.md.
struct RunInfo {
  std::string command;
  absl::Time started;
  absl::Duration ran;  // of mixed traffic
  int server_cpu = 0;
  int hostile_cpu = 1;
  int load_cpu = 1;
  int pool = 64;
  int connections = 32;
  absl::Duration probe;
  double max_rps = 0;
  double load_fraction = 0.8;
  absl::Duration segment;
  std::array<std::string, kTrafficKinds> how;  // what each kind sends
  std::vector<std::string> unexpected_details;
};

std::string Markdown(const RunInfo& info, const SoakRecord& record,
                     const std::vector<Verdict>& verdicts);

// Draws soak.png and soak.svg in `dir` (pngcairo when gnuplot has it).
std::string GnuplotScript(const std::string& dir);

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_REPORT_H_
