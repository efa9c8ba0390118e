#include "tools/common/benchmark_csv.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wasp {
namespace {

std::optional<double> MicrosPer(absl::string_view unit) {
  if (unit == "ns") return 1e-3;
  if (unit == "us") return 1;
  if (unit == "ms") return 1e3;
  if (unit == "s") return 1e6;
  return std::nullopt;
}

// A CSV line's fields: "a,\"b, c\",d" -> a | b, c | d ("" inside quotes is
// a quote).
std::vector<std::string> Fields(absl::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string BaseName(std::string name) {
  size_t min_time = name.find("/min_time:");
  if (min_time != std::string::npos) {
    size_t end = name.find('/', min_time + 1);
    name.erase(min_time, end == std::string::npos ? end : end - min_time);
  }
  return absl::StrReplaceAll(name, {{"/manual_time", ""}});
}

}  // namespace

std::vector<BenchmarkRow> ParseBenchmarkCsv(absl::string_view csv) {
  std::vector<BenchmarkRow> rows;
  std::map<std::string, size_t> column;  // empty until the header
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    std::vector<std::string> fields = Fields(line);
    if (column.empty()) {
      if (fields.size() < 5 || fields[0] != "name") continue;
      for (size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      continue;
    }
    auto field = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() || it->second >= fields.size()
                 ? ""
                 : fields[it->second];
    };
    std::optional<double> scale = MicrosPer(field("time_unit"));
    double real_time = 0;
    double cpu_time = 0;
    if (field("name").empty() || !scale ||
        !absl::SimpleAtod(field("real_time"), &real_time)) {
      continue;
    }
    if (!absl::SimpleAtod(field("cpu_time"), &cpu_time)) cpu_time = 0;
    std::string error = field("error_occurred");
    rows.push_back({.name = BaseName(field("name")),
                    .real_time_us = real_time * *scale,
                    .cpu_time_us = cpu_time * *scale,
                    .label = field("label"),
                    .error = !error.empty() && error != "false"});
  }
  return rows;
}

std::optional<double> RealTimeUs(const std::vector<BenchmarkRow>& rows,
                                 absl::string_view name) {
  for (const BenchmarkRow& row : rows) {
    if (row.name == name && !row.error) return row.real_time_us;
  }
  return std::nullopt;
}

}  // namespace wasp
