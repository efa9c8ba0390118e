#include "tools/bench/suite/raw_outputs.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tools/common/benchmark_csv.h"
#include "tools/common/markdown.h"

namespace wasp::bench {
namespace {

// Lines every server writes as it starts and stops.
constexpr const char* kRoutine[] = {"listening on", "finishing connections",
                                    "wasp-server: stopped"};

}  // namespace

std::optional<double> ExitRoundTripUs(const std::string& csv) {
  return RealTimeUs(ParseBenchmarkCsv(csv), "BM_RawExitRoundTrip");
}

std::string FigureSection(const std::string& text) {
  return ConsoleSection(text, "figure");
}

std::vector<std::pair<int, std::string>> LogEvents(const std::string& log,
                                                   size_t limit) {
  std::map<std::string, int> counts;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    bool routine = std::any_of(
        std::begin(kRoutine), std::end(kRoutine),
        [&](const char* text) { return absl::StrContains(line, text); });
    if (routine) continue;
    // "2026/12/07 20:01:02 ..." -> "..."
    size_t start = line.find_first_not_of("0123456789/: .");
    if (start == absl::string_view::npos) continue;
    ++counts[std::string(line.substr(start))];
  }
  std::vector<std::pair<int, std::string>> events;
  for (const auto& [line, count] : counts) events.push_back({count, line});
  std::stable_sort(
      events.begin(), events.end(),
      [](const auto& a, const auto& b) { return a.first > b.first; });
  if (events.size() > limit) events.resize(limit);
  return events;
}

std::optional<double> BusyFraction(const std::string& before,
                                   const std::string& after) {
  auto fields = [](const std::string& text) {
    std::vector<double> values;
    std::string line = text.substr(0, text.find('\n'));
    std::vector<absl::string_view> words =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    for (size_t i = 1; i < words.size(); ++i) {
      double value;
      if (absl::SimpleAtod(words[i], &value)) values.push_back(value);
    }
    return values;
  };
  std::vector<double> a = fields(before);
  std::vector<double> b = fields(after);
  if (a.size() < 5 || a.size() != b.size()) return std::nullopt;
  double total = 0;
  double idle = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    total += b[i] - a[i];
    if (i == 3 || i == 4) idle += b[i] - a[i];
  }
  if (total <= 0) return std::nullopt;
  return (total - idle) / total;
}

}  // namespace wasp::bench
