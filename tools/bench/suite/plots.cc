#include "tools/bench/suite/plots.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "tools/common/child_process.h"

namespace wasp::bench {
namespace {

size_t IndexOf(std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<size_t>(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

// A gnuplot string literal: single quotes, doubled inside.
std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::optional<double> BarTable::Max() const {
  std::optional<double> max;
  for (const auto& [cell, value] : values) {
    if (!max || value > *max) max = value;
  }
  return max;
}

BarTable Pivot(const std::vector<Record>& records,
               const std::function<bool(const Record&)>& keep,
               const RecordText& row, const RecordText& column,
               const RecordValue& value) {
  BarTable table;
  for (const Record& record : records) {
    if (!keep(record)) continue;
    size_t r = IndexOf(table.rows, row(record));
    size_t c = IndexOf(table.columns, column(record));
    if (std::optional<double> v = value(record)) table.values[{r, c}] = *v;
  }
  return table;
}

std::string GnuplotData(const BarTable& table) {
  std::string data = "group";
  for (const std::string& column : table.columns) {
    absl::StrAppend(&data, "\t", column);
  }
  absl::StrAppend(&data, "\n");
  for (size_t r = 0; r < table.rows.size(); ++r) {
    absl::StrAppend(&data, table.rows[r]);
    for (size_t c = 0; c < table.columns.size(); ++c) {
      auto it = table.values.find({r, c});
      absl::StrAppend(&data, "\t",
                      it == table.values.end()
                          ? std::string("?")
                          : absl::StrFormat("%.6g", it->second));
    }
    absl::StrAppend(&data, "\n");
  }
  return data;
}

std::string GnuplotScript(const BarChart& chart, const std::string& data_path,
                          const std::string& out_base) {
  size_t series = chart.table.columns.size();
  double top = chart.table.Max().value_or(1);
  std::string script = absl::StrCat(
      "set datafile separator \"\\t\"\nset datafile missing \"?\"\n"
      "set style data histogram\nset style histogram clustered gap 1\n"
      "set style fill solid 0.85 border -1\nset boxwidth 0.95\n"
      "set grid ytics\nset key outside right top noenhanced\n"
      // Every plot, the labels too, takes the first line as the header.
      "set key autotitle columnheader\n"
      "set xtics noenhanced\n",
      "set title ", Quoted(chart.title), " noenhanced\n", "set xlabel ",
      Quoted(chart.xlabel), " noenhanced\n", "set ylabel ",
      Quoted(chart.ylabel), " noenhanced\n",
      chart.log_y
          ? absl::StrFormat("set logscale y\nset yrange [*:%g]\n", top * 3)
          : absl::StrFormat("set yrange [0:%g]\n", top * 1.15),
      "palette = \"#4e79a7 #f28e2b #e15759 #76b7b2 #59a14f #edc948 "
      "#b07aa1\"\n");
  // Bars, then each bar's value as a label above it.
  std::string plot = absl::StrFormat(
      "plot for [j = 2:%d] %s using j:xtic(1) title columnheader(j) "
      "lc rgb word(palette, j - 1), \\\n"
      "  for [j = 2:%d] %s using ($0 + (j - 2 - (%d - 1) / 2.0) / (%d + 1.0)):"
      "(column(j)):(sprintf(%s, column(j) / %g)) with labels offset 0,0.7 "
      "font \",8\" notitle\n",
      series + 1, Quoted(data_path), series + 1, Quoted(data_path), series,
      series, Quoted(chart.label_format), chart.label_scale);
  absl::StrAppend(
      &script,
      "set terminal pngcairo size 1000,560 font \"sans,10\"\nset output ",
      Quoted(out_base + ".png"), "\n", plot,
      "set terminal svg size 1000,560 font \"sans,10\"\nset output ",
      Quoted(out_base + ".svg"), "\n", plot, "unset output\n");
  return script;
}

absl::Status Render(const BarChart& chart, const std::string& dir,
                    const std::string& raw_dir, const std::string& gnuplot) {
  if (chart.table.values.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no data for the plot ", chart.name));
  }
  std::string data = absl::StrCat(raw_dir, "/", chart.name, ".dat");
  std::string script = absl::StrCat(raw_dir, "/", chart.name, ".gnuplot");
  std::ofstream(data) << GnuplotData(chart.table);
  std::ofstream(script) << GnuplotScript(chart, data,
                                         absl::StrCat(dir, "/", chart.name));
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {gnuplot, script}, "/dev/null",
      absl::StrCat(raw_dir, "/", chart.name, ".gnuplot.log"));
  if (!process.ok()) return process.status();
  absl::StatusOr<int> status = (*process)->Wait(absl::Seconds(60));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(absl::StrCat("gnuplot ", script, " exited with ",
                                            *status, "; see raw/", chart.name,
                                            ".gnuplot.log"));
  }
  return absl::OkStatus();
}

std::string ByteLabel(int bytes) {
  if (bytes >= 1048576 && bytes % 1048576 == 0) {
    return absl::StrCat(bytes / 1048576, " MiB");
  }
  if (bytes >= 1024 && bytes % 1024 == 0) {
    return absl::StrCat(bytes / 1024, " KiB");
  }
  return absl::StrCat(bytes, " B");
}

}  // namespace wasp::bench
