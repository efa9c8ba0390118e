// wasp-load's output: a text report for people, one JSON object for
// scripts, and the live progress line.
#ifndef WASP_TOOLS_LOAD_REPORT_H_
#define WASP_TOOLS_LOAD_REPORT_H_

#include <cstdint>
#include <string>

#include "tools/load/load_stats.h"

namespace wasp::load {

// How the run was set up, as the report repeats it.
struct RunInfo {
  std::string target;
  std::string protocol;  // "http" or "echo"
  int connections = 0;
  int threads = 0;
  int pipeline = 1;
  bool keepalive = true;
  double rate = 0;        // 0: closed loop
  double duration_s = 0;  // the measured window
  double warmup_s = 0;
};

std::string TextReport(const RunInfo& run, const LoadStats& stats);
// One line, no trailing newline.
std::string JsonReport(const RunInfo& run, const LoadStats& stats);
std::string ProgressLine(double elapsed_s, bool warming_up, uint64_t answered,
                         uint64_t errors, double requests_per_sec);

// "750 us", "12.3 ms", "1.50 s".
std::string FormatMicros(double micros);
// "512 B", "1.5 KiB", "12.0 MiB".
std::string FormatBytes(double bytes);

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_REPORT_H_
