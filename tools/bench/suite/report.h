// The suite's report logic, pure functions over records: derived figures,
// the targets, CSV files and Markdown tables.
#ifndef WASP_TOOLS_BENCH_SUITE_REPORT_H_
#define WASP_TOOLS_BENCH_SUITE_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "tools/bench/suite/records.h"

namespace wasp::bench {

// Ratio to none, the exit-bound ceiling (`exit_us`: one exit round trip) and
// the virtines' fraction of it; for 2-worker rows, the ratio to 1 worker.
void DeriveHttp(std::vector<Record>& records, std::optional<double> exit_us);
// MiB/s and the ratio to none at the same payload.
void DeriveEcho(std::vector<Record>& records);

// One of the suite's targets, checked against one group of rows.
struct TargetRow {
  std::string target;
  std::string file;
  int connections = 0;
  std::optional<double> measured;  // empty: no data
  double goal = 0;
  std::string unit;  // "%" (measured is a fraction) or "x"

  std::string Verdict() const;
};
std::vector<TargetRow> Targets(const std::vector<Record>& http);

// The best round of each tool against one server, and the check on them.
struct LoadCheckRow {
  std::string server;
  std::optional<double> wrk_rps;
  std::optional<double> wasp_load_rps;
  std::string target;
  bool at_least = false;  // else within 10%

  std::optional<double> Ratio() const;
  std::string Verdict() const;
};
std::vector<LoadCheckRow> LoadCheck(const std::vector<LoadCheckRecord>& rounds);

// CSV with a header line of named columns.
std::string HttpCsv(const std::vector<Record>& records);
std::string EchoCsv(const std::vector<Record>& records);
std::string LoadCheckCsv(const std::vector<LoadCheckRecord>& rounds);

// Markdown tables.
std::string HttpTable(const std::vector<Record>& http, const std::string& file,
                      bool keepalive);
std::string ScalingTable(const std::vector<Record>& scaling);
std::string EchoTable(const std::vector<Record>& echo);
std::string TargetsTable(const std::vector<TargetRow>& targets);
std::string LoadCheckTable(const std::vector<LoadCheckRow>& rows);

// "12,345"; "-" when empty.
std::string Group(std::optional<double> value);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_REPORT_H_
