// The suite's plots: clustered bar charts of records, drawn by gnuplot as
// PNG and SVG.
#ifndef WASP_TOOLS_BENCH_SUITE_PLOTS_H_
#define WASP_TOOLS_BENCH_SUITE_PLOTS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "tools/bench/suite/records.h"

namespace wasp::bench {

// Groups of bars (rows) by series (columns), in the order they first appear.
struct BarTable {
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::map<std::pair<size_t, size_t>, double> values;  // (row, column)

  std::optional<double> Max() const;
};

struct BarChart {
  std::string name;  // the files: name.png, name.svg
  std::string title;
  std::string xlabel;
  std::string ylabel;
  bool log_y = false;
  std::string label_format = "%.1fk";  // of value / label_scale
  double label_scale = 1000;
  BarTable table;
};

using RecordText = std::function<std::string(const Record&)>;
using RecordValue = std::function<std::optional<double>(const Record&)>;

// The records `keep` selects, one bar per record.
BarTable Pivot(const std::vector<Record>& records,
               const std::function<bool(const Record&)>& keep,
               const RecordText& row, const RecordText& column,
               const RecordValue& value);

// Tab-separated, a header line naming the series; "?" where missing.
std::string GnuplotData(const BarTable& table);
// Writes `out_base`.png and .svg from `data_path`.
std::string GnuplotScript(const BarChart& chart, const std::string& data_path,
                          const std::string& out_base);

// Draws `chart` into `dir` (its data and script beside it in `raw_dir`).
absl::Status Render(const BarChart& chart, const std::string& dir,
                    const std::string& raw_dir, const std::string& gnuplot);

// "64 B", "4 KiB", "64 KiB": a payload size as a row label.
std::string ByteLabel(int bytes);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_PLOTS_H_
