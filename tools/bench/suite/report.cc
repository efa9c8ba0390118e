#include "tools/bench/suite/report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "tools/common/markdown.h"
#include "tools/load/report.h"

namespace wasp::bench {
namespace {

using Optional = std::optional<double>;

std::string Mode(const Measurement& run) {
  return run.keepalive ? "keepalive" : "close";
}

bool IsVirtine(const std::string& config) {
  return absl::StartsWith(config, "virtine");
}

// Rows that are compared with each other: same workers, file, mode, load.
std::tuple<int, std::string, bool, int> HttpGroup(const Measurement& run) {
  return {run.placement.workers, run.file, run.keepalive, run.connections};
}

Optional Ratio(Optional a, Optional b) {
  if (!a || !b || *a <= 0 || *b <= 0) return std::nullopt;
  return *a / *b;
}

std::string Fixed(Optional value, int digits) {
  return value ? absl::StrFormat("%.*f", digits, *value) : "-";
}

std::string CsvNumber(Optional value, int digits) {
  return value ? absl::StrFormat("%.*f", digits, *value) : "NA";
}

std::string Latency(Optional micros) {
  return micros ? load::FormatMicros(*micros) : "-";
}

std::string Percent(Optional fraction) {
  return fraction ? absl::StrFormat("%.0f%%", 100 * *fraction) : "-";
}

std::string Note(const Record& record) {
  return record.ok() ? "" : absl::StrCat("**", record.status, "**");
}

// VM exits per response: only virtines have them.
std::string Exits(const Record& record) {
  return IsVirtine(record.run.config) ? Fixed(record.exits_per_request, 2)
                                      : "-";
}

struct Column {
  const char* name;
  std::function<std::string(const Record&)> value;
};

std::string Csv(const std::vector<Column>& columns,
                const std::vector<Record>& records) {
  std::vector<std::string> names;
  for (const Column& column : columns) names.push_back(column.name);
  std::string csv = absl::StrCat(absl::StrJoin(names, ","), "\n");
  for (const Record& record : records) {
    std::vector<std::string> fields;
    for (const Column& column : columns) {
      fields.push_back(absl::StrReplaceAll(column.value(record), {{",", ";"}}));
    }
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  return csv;
}

// The columns every scenario's CSV starts with.
std::vector<Column> RunColumns() {
  return {
      {"config", [](const Record& r) { return r.run.config; }},
      {"workers",
       [](const Record& r) { return absl::StrCat(r.run.placement.workers); }},
      {"server_cpus",
       [](const Record& r) {
         return absl::StrReplaceAll(r.run.placement.server_cpus, {{",", " "}});
       }},
      {"load_cpus",
       [](const Record& r) {
         return absl::StrReplaceAll(r.run.placement.load_cpus, {{",", " "}});
       }},
  };
}

std::vector<Column> LoadColumns() {
  return {
      {"connections",
       [](const Record& r) { return absl::StrCat(r.run.connections); }},
      {"duration_s",
       [](const Record& r) { return absl::StrCat(r.duration_s); }},
      {"requests_per_sec",
       [](const Record& r) { return CsvNumber(r.load.requests_per_sec, 2); }},
      {"p50_us", [](const Record& r) { return CsvNumber(r.load.p50_us, 0); }},
      {"p99_us", [](const Record& r) { return CsvNumber(r.load.p99_us, 0); }},
      {"errors", [](const Record& r) { return CsvNumber(r.load.errors, 0); }},
      {"exits_per_request",
       [](const Record& r) { return CsvNumber(r.exits_per_request, 3); }},
  };
}

void Append(std::vector<Column>& to, std::vector<Column> more) {
  to.insert(to.end(), more.begin(), more.end());
}

}  // namespace

std::string Group(Optional value) {
  if (!value) return "-";
  std::string digits = absl::StrFormat("%.0f", std::abs(*value));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (*value < 0 && out != "0" ? "-" : "") + out;
}

void DeriveHttp(std::vector<Record>& records, Optional exit_us) {
  std::map<std::tuple<int, std::string, bool, int>, double> none;
  std::map<std::string, double> one_worker;  // config -> rps
  for (const Record& r : records) {
    if (!r.ok() || !r.load.requests_per_sec) continue;
    if (r.run.config == "none") {
      none[HttpGroup(r.run)] = *r.load.requests_per_sec;
    }
    if (r.run.scenario == "scaling" && r.run.placement.workers == 1) {
      one_worker[r.run.config] = *r.load.requests_per_sec;
    }
  }
  for (Record& r : records) {
    auto n = none.find(HttpGroup(r.run));
    if (n == none.end() || n->second <= 0) continue;
    r.ratio_to_none = Ratio(r.load.requests_per_sec, n->second);
    int workers = r.run.placement.workers;
    if (exit_us) {
      double per_request_us = 1e6 * workers / n->second;
      r.ceiling_rps = workers * 1e6 / (per_request_us + *exit_us);
      if (IsVirtine(r.run.config)) {
        r.fraction_of_ceiling = Ratio(r.load.requests_per_sec, r.ceiling_rps);
      }
    }
  }
  for (Record& r : records) {
    if (r.run.scenario != "scaling") continue;
    auto one = one_worker.find(r.run.config);
    if (one != one_worker.end()) {
      r.ratio_to_one_worker = Ratio(r.load.requests_per_sec, one->second);
    }
  }
}

void DeriveEcho(std::vector<Record>& records) {
  std::map<int, double> none;  // payload -> rps
  for (const Record& r : records) {
    if (r.ok() && r.run.config == "none" && r.load.requests_per_sec) {
      none[r.run.payload_bytes] = *r.load.requests_per_sec;
    }
  }
  for (Record& r : records) {
    if (r.load.requests_per_sec) {
      r.mib_per_sec =
          *r.load.requests_per_sec * r.run.payload_bytes / 1048576.0;
    }
    auto n = none.find(r.run.payload_bytes);
    if (n != none.end())
      r.ratio_to_none = Ratio(r.load.requests_per_sec, n->second);
  }
}

std::string TargetRow::Verdict() const {
  if (!measured) return "no data";
  return *measured >= goal ? "yes" : "**no**";
}

std::vector<TargetRow> Targets(const std::vector<Record>& http) {
  // (config, file, keepalive, connections) -> the record's figures.
  std::map<std::tuple<std::string, std::string, bool, int>, const Record*> by;
  std::vector<std::pair<std::string, int>> groups;  // (file, connections)
  for (const Record& r : http) {
    if (r.ok()) {
      by[{r.run.config, r.run.file, r.run.keepalive, r.run.connections}] = &r;
    }
    std::pair<std::string, int> group = {r.run.file, r.run.connections};
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
      groups.push_back(group);
    }
  }
  auto rps = [&](const std::string& config, const std::string& file,
                 bool keepalive, int connections) -> Optional {
    auto it = by.find({config, file, keepalive, connections});
    return it == by.end() ? std::nullopt : it->second->load.requests_per_sec;
  };
  std::vector<TargetRow> rows;
  for (const auto& [file, connections] : groups) {
    if (file != "small.html") continue;
    auto it = by.find({"virtine", file, true, connections});
    rows.push_back(
        {.target = "keep-alive: virtine >= 85% of the exit-bound ceiling",
         .file = file,
         .connections = connections,
         .measured =
             it == by.end() ? std::nullopt : it->second->fraction_of_ceiling,
         .goal = 0.85,
         .unit = "%"});
  }
  struct Versus {
    const char* target;
    const char* other;
    double goal;
  };
  for (const Versus& versus :
       {Versus{"one request per connection: virtine >= 5x process", "process",
               5},
        Versus{"one request per connection: virtine >= 20x a fresh VM",
               "virtine-fresh", 20}}) {
    for (const auto& [file, connections] : groups) {
      rows.push_back(
          {.target = versus.target,
           .file = file,
           .connections = connections,
           .measured = Ratio(rps("virtine", file, false, connections),
                             rps(versus.other, file, false, connections)),
           .goal = versus.goal,
           .unit = "x"});
    }
  }
  return rows;
}

std::optional<double> LoadCheckRow::Ratio() const {
  return bench::Ratio(wasp_load_rps, wrk_rps);
}

std::string LoadCheckRow::Verdict() const {
  Optional ratio = Ratio();
  if (!ratio) return "no data";
  bool met = at_least ? *ratio >= 1 : (*ratio >= 0.9 && *ratio <= 1.1);
  return met ? "yes" : "**no**";
}

std::vector<LoadCheckRow> LoadCheck(
    const std::vector<LoadCheckRecord>& rounds) {
  // The best round counts: other work on the machine only slows one down.
  std::map<std::pair<std::string, std::string>, double> best;
  for (const LoadCheckRecord& round : rounds) {
    if (!round.load.requests_per_sec) continue;
    double& value = best[{round.server, round.tool}];
    value = std::max(value, *round.load.requests_per_sec);
  }
  auto best_of = [&](const std::string& server,
                     const std::string& tool) -> Optional {
    auto it = best.find({server, tool});
    if (it == best.end() || it->second <= 0) return std::nullopt;
    return it->second;
  };
  std::vector<LoadCheckRow> rows;
  rows.push_back({.server = "none",
                  .wrk_rps = best_of("none", "wrk"),
                  .wasp_load_rps = best_of("none", "wasp-load"),
                  .target = "at least wrk's rate (the load tool is not the "
                            "bottleneck)",
                  .at_least = true});
  rows.push_back(
      {.server = "virtine",
       .wrk_rps = best_of("virtine", "wrk"),
       .wasp_load_rps = best_of("virtine", "wasp-load"),
       .target = "within 10% of wrk (the server is the bottleneck)"});
  return rows;
}

std::string HttpCsv(const std::vector<Record>& records) {
  std::vector<Column> columns = RunColumns();
  Append(columns, {{"file", [](const Record& r) { return r.run.file; }},
                   {"mode", [](const Record& r) { return Mode(r.run); }}});
  Append(columns, LoadColumns());
  Append(columns,
         {{"ratio_to_none",
           [](const Record& r) { return CsvNumber(r.ratio_to_none, 3); }},
          {"ceiling_rps",
           [](const Record& r) { return CsvNumber(r.ceiling_rps, 0); }},
          {"fraction_of_ceiling",
           [](const Record& r) { return CsvNumber(r.fraction_of_ceiling, 3); }},
          {"ratio_to_one_worker",
           [](const Record& r) { return CsvNumber(r.ratio_to_one_worker, 3); }},
          {"status", [](const Record& r) { return r.status; }}});
  return Csv(columns, records);
}

std::string EchoCsv(const std::vector<Record>& records) {
  std::vector<Column> columns = RunColumns();
  columns.push_back({"payload_bytes", [](const Record& r) {
                       return absl::StrCat(r.run.payload_bytes);
                     }});
  Append(columns, LoadColumns());
  Append(columns,
         {{"mib_per_sec",
           [](const Record& r) { return CsvNumber(r.mib_per_sec, 2); }},
          {"ratio_to_none",
           [](const Record& r) { return CsvNumber(r.ratio_to_none, 3); }},
          {"status", [](const Record& r) { return r.status; }}});
  return Csv(columns, records);
}

std::string LoadCheckCsv(const std::vector<LoadCheckRecord>& rounds) {
  std::string csv =
      "server,tool,round,connections,duration_s,requests_per_sec,p50_us,"
      "p99_us,errors\n";
  for (const LoadCheckRecord& r : rounds) {
    absl::StrAppend(
        &csv,
        absl::StrJoin(
            {r.server, r.tool, absl::StrCat(r.round),
             absl::StrCat(r.connections), absl::StrCat(r.duration_s),
             CsvNumber(r.load.requests_per_sec, 2), CsvNumber(r.load.p50_us, 0),
             CsvNumber(r.load.p99_us, 0), CsvNumber(r.load.errors, 0)},
            ","),
        "\n");
  }
  return csv;
}

std::string HttpTable(const std::vector<Record>& http, const std::string& file,
                      bool keepalive) {
  std::string md = TableHead(
      {"configuration", "conns", "requests/s", "p50", "p99", "errors",
       "exits/req", "x none", "exit-bound ceiling", "% of ceiling", "note"},
      {false, true, true, true, true, true, true, true, true, true, false});
  for (const Record& r : http) {
    if (r.run.file != file || r.run.keepalive != keepalive) continue;
    absl::StrAppend(
        &md, TableRow({r.run.config, absl::StrCat(r.run.connections),
                       Group(r.load.requests_per_sec), Latency(r.load.p50_us),
                       Latency(r.load.p99_us), Group(r.load.errors), Exits(r),
                       Fixed(r.ratio_to_none, 2), Group(r.ceiling_rps),
                       Percent(r.fraction_of_ceiling), Note(r)}));
  }
  return md;
}

std::string ScalingTable(const std::vector<Record>& scaling) {
  std::string md = TableHead(
      {"configuration", "workers", "server CPUs", "load CPUs", "conns",
       "requests/s", "p50", "p99", "errors", "exits/req", "x none",
       "x 1 worker", "exit-bound ceiling", "% of ceiling", "note"},
      {false, true, false, false, true, true, true, true, true, true, true,
       true, true, true, false});
  for (const Record& r : scaling) {
    const Placement& p = r.run.placement;
    absl::StrAppend(
        &md, TableRow({r.run.config, absl::StrCat(p.workers), p.server_cpus,
                       p.load_cpus, absl::StrCat(r.run.connections),
                       Group(r.load.requests_per_sec), Latency(r.load.p50_us),
                       Latency(r.load.p99_us), Group(r.load.errors), Exits(r),
                       Fixed(r.ratio_to_none, 2),
                       Fixed(r.ratio_to_one_worker, 2), Group(r.ceiling_rps),
                       Percent(r.fraction_of_ceiling), Note(r)}));
  }
  return md;
}

std::string EchoTable(const std::vector<Record>& echo) {
  std::string md = TableHead(
      {"configuration", "payload", "conns", "requests/s", "MiB/s", "p50", "p99",
       "errors", "exits/req", "x none", "note"},
      {false, true, true, true, true, true, true, true, true, true, false});
  for (const Record& r : echo) {
    absl::StrAppend(
        &md,
        TableRow({r.run.config, absl::StrCat(Group(r.run.payload_bytes), " B"),
                  absl::StrCat(r.run.connections),
                  Group(r.load.requests_per_sec), Fixed(r.mib_per_sec, 1),
                  Latency(r.load.p50_us), Latency(r.load.p99_us),
                  Group(r.load.errors), Exits(r), Fixed(r.ratio_to_none, 2),
                  Note(r)}));
  }
  return md;
}

std::string TargetsTable(const std::vector<TargetRow>& targets) {
  std::string md = TableHead({"target", "file", "conns", "measured", "met"},
                             {false, false, true, true, false});
  for (const TargetRow& t : targets) {
    std::string measured = "-";
    if (t.measured) {
      measured = t.unit == "%" ? absl::StrFormat("%.0f%%", 100 * *t.measured)
                               : absl::StrFormat("%.1fx", *t.measured);
    }
    absl::StrAppend(
        &md, TableRow({t.target, t.file, absl::StrCat(t.connections), measured,
                       t.Verdict()}));
  }
  return md;
}

std::string LoadCheckTable(const std::vector<LoadCheckRow>& rows) {
  std::string md =
      TableHead({"server", "wrk requests/s", "wasp-load requests/s",
                 "wasp-load / wrk", "target", "met"},
                {false, true, true, true, false, false});
  for (const LoadCheckRow& row : rows) {
    absl::StrAppend(
        &md, TableRow({row.server, Group(row.wrk_rps), Group(row.wasp_load_rps),
                       Fixed(row.Ratio(), 2), row.target, row.Verdict()}));
  }
  return md;
}

}  // namespace wasp::bench
