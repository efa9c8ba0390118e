// What the suite reads from the other programs' outputs: engine_bench's CSV
// and figures, and what the servers logged besides starting and stopping.
#ifndef WASP_TOOLS_BENCH_SUITE_RAW_OUTPUTS_H_
#define WASP_TOOLS_BENCH_SUITE_RAW_OUTPUTS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wasp::bench {

// BM_RawExitRoundTrip's real time in microseconds, from Google Benchmark's
// CSV; empty when it did not run.
std::optional<double> ExitRoundTripUs(const std::string& csv);

// engine_bench's table of figures (from its "figure" header to the end).
std::string FigureSection(const std::string& text);

// A log's distinct lines (timestamps stripped) with their counts, most
// frequent first, at most `limit`; start and stop lines left out.
std::vector<std::pair<int, std::string>> LogEvents(const std::string& log,
                                                   size_t limit);

// The share of CPU time busy between two reads of /proc/stat's first line
// (idle and iowait count as idle); empty if they cannot be read.
std::optional<double> BusyFraction(const std::string& before,
                                   const std::string& after);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_RAW_OUTPUTS_H_
