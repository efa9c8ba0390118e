#include "tools/soak/report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace wasp::soak {
namespace {

constexpr const char* kServers[] = {"http", "hostile"};

const ServerSample& Server(const SoakSample& sample, int i) {
  return i == 0 ? sample.http : sample.hostile;
}

void AppendServer(const ServerSample& server, std::vector<std::string>& row) {
  row.push_back(server.alive ? "1" : "0");
  for (const ServerField& field : kServerFields) {
    row.push_back(absl::StrCat(server.*field.member));
  }
}

uint64_t MaxOver(const std::vector<SoakSample>& samples, int server,
                 uint64_t ServerSample::*field) {
  uint64_t most = 0;
  for (const SoakSample& s : samples)
    most = std::max(most, Server(s, server).*field);
  return most;
}

std::string Header(const RunInfo& info, const std::vector<Verdict>& verdicts) {
  std::vector<std::string> failed;
  for (const Verdict& v : verdicts) {
    if (!v.passed) failed.push_back(v.criterion);
  }
  return absl::StrFormat(
      "# Soak (wasp-soak)\n\n`%s`\n\nStarted %s; %s of mixed traffic. HTTP "
      "server: --isolation=virtine, 1 worker on CPU %d, pool %d; hostile "
      "server (tests/apps/hostile.c) on CPU %d; clients on CPU %d.\n\n"
      "Maximum keep-alive rate (%d connections, closed loop, %s): %.0f "
      "requests/s; keep-alive load %.0f%% of it (%.0f requests/s, open "
      "loop) in segments of %s.\n\n**%s**%s\n\n",
      info.command,
      absl::FormatTime("%Y-%m-%d %H:%M UTC", info.started, absl::UTCTimeZone()),
      absl::FormatDuration(absl::Trunc(info.ran, absl::Seconds(1))),
      info.server_cpu, info.pool, info.hostile_cpu, info.load_cpu,
      info.connections, absl::FormatDuration(info.probe), info.max_rps,
      info.load_fraction * 100, info.max_rps * info.load_fraction,
      absl::FormatDuration(info.segment), failed.empty() ? "PASS" : "FAIL",
      failed.empty()
          ? ""
          : absl::StrCat(" (failed: ", absl::StrJoin(failed, ", "), ")"));
}

std::string CriteriaTable(const std::vector<Verdict>& verdicts) {
  std::string md = "| criterion | result | detail |\n|---|---|---|\n";
  for (const Verdict& v : verdicts) {
    absl::StrAppendFormat(&md, "| %s | %s | %s |\n", v.criterion,
                          v.passed ? "pass" : "**FAIL**", v.detail);
  }
  return md;
}

// The rules of criteria.h, for whoever reads only the results.
constexpr char kRules[] =
    "\nRules: unexpected errors are failed requests, connections that ended "
    "in an error, and error counters of the HTTP server (the hostile "
    "server's faults and budget timeouts are expected). RSS and fds: the "
    "mean over the last minute within 5% of the mean over the second minute "
    "(runs under 5 minutes: the last 20% of the samples against 10%-30%). "
    "p99: the median p99 of the last quarter of the keep-alive segments (at "
    "least 3) at most 2x, or at most --p99_floor (1 ms) above, the median "
    "p99 of the segments before them.\n";

std::string TrafficTable(const RunInfo& info, const AllCounts& counts) {
  std::string md =
      "\n## Traffic\n\n| kind | what it sends | ok | expected errors | "
      "unexpected errors |\n|---|---|---|---|---|\n";
  for (size_t i = 0; i < kTrafficKinds; ++i) {
    absl::StrAppendFormat(&md, "| %s | %s | %d | %d | %d |\n",
                          KindName(KindAt(i)), info.how[i], counts[i].ok,
                          counts[i].expected, counts[i].unexpected);
  }
  return md;
}

std::string ServerTable(const SoakRecord& record) {
  std::string md =
      "\n## Servers\n\n| server | RSS KiB start | RSS KiB end | fds start | "
      "fds end | virtines in use, max | guest faults | budget timeouts | "
      "rejected | refused | reset failures |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n";
  if (record.samples.empty()) return md;
  const SoakSample& first = record.samples.front();
  const SoakSample& last = record.samples.back();
  for (int i = 0; i < 2; ++i) {
    const ServerSample& end = Server(record.end, i);
    absl::StrAppendFormat(
        &md, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n",
        kServers[i], Server(first, i).rss_kib, Server(last, i).rss_kib,
        Server(first, i).fds, Server(last, i).fds,
        MaxOver(record.samples, i, &ServerSample::pool_in_use),
        end.guest_faults, end.budget_timeouts, end.requests_rejected,
        end.connections_refused, end.reset_failures);
  }
  return md;
}

std::string SegmentTable(const std::vector<SegmentResult>& segments) {
  std::string md =
      "\n## Keep-alive segments\n\n| segment | start s | requests/s | p50 us "
      "| p99 us | p99.9 us | errors |\n|---|---|---|---|---|---|---|\n";
  for (const SegmentResult& s : segments) {
    if (s.kind != TrafficKind::kKeepAlive) continue;
    absl::StrAppendFormat(&md,
                          "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %d |\n",
                          s.index, s.start_s, s.rps, s.p50_us, s.p99_us,
                          s.p999_us, s.errors + s.connection_errors);
  }
  return md;
}

std::string Details(const std::vector<std::string>& details) {
  if (details.empty()) return "";
  std::string md = "\n## First unexpected errors\n\n";
  for (const std::string& d : details) {
    absl::StrAppend(&md, "- ", absl::StrReplaceAll(d, {{"\n", " "}}), "\n");
  }
  return md;
}

}  // namespace

std::vector<std::string> SoakCsvColumns() {
  std::vector<std::string> columns = {"t_s"};
  for (const char* server : kServers) {
    columns.push_back(absl::StrCat(server, "_alive"));
    for (const ServerField& field : kServerFields) {
      columns.push_back(absl::StrCat(server, "_", field.column));
    }
  }
  for (size_t i = 0; i < kTrafficKinds; ++i) {
    for (const char* outcome : {"ok", "expected", "unexpected"}) {
      columns.push_back(absl::StrCat(KindName(KindAt(i)), "_", outcome));
    }
  }
  return columns;
}

std::string SoakCsvHeader() {
  return absl::StrCat(absl::StrJoin(SoakCsvColumns(), ","), "\n");
}

std::string SoakCsvRow(const SoakSample& sample) {
  std::vector<std::string> row = {absl::StrFormat("%.1f", sample.t_s)};
  AppendServer(sample.http, row);
  AppendServer(sample.hostile, row);
  for (const KindCounts& counts : sample.counts) {
    row.push_back(absl::StrCat(counts.ok));
    row.push_back(absl::StrCat(counts.expected));
    row.push_back(absl::StrCat(counts.unexpected));
  }
  return absl::StrCat(absl::StrJoin(row, ","), "\n");
}

std::vector<std::string> SegmentsCsvColumns() {
  return {"segment",
          "kind",
          "start_s",
          "seconds",
          "rate",
          "requests",
          "rps",
          "p50_us",
          "p99_us",
          "p999_us",
          "max_us",
          "errors",
          "connection_errors",
          "ran"};
}

std::string SegmentsCsv(const std::vector<SegmentResult>& segments) {
  std::string csv =
      absl::StrCat(absl::StrJoin(SegmentsCsvColumns(), ","), "\n");
  for (const SegmentResult& s : segments) {
    absl::StrAppendFormat(
        &csv, "%d,%s,%.1f,%.1f,%.0f,%d,%.1f,%.0f,%.0f,%.0f,%.0f,%d,%d,%d\n",
        s.index, KindName(s.kind), s.start_s, s.seconds, s.rate, s.requests,
        s.rps, s.p50_us, s.p99_us, s.p999_us, s.max_us, s.errors,
        s.connection_errors, s.failure.empty() ? 1 : 0);
  }
  return csv;
}

std::string Markdown(const RunInfo& info, const SoakRecord& record,
                     const std::vector<Verdict>& verdicts) {
  return absl::StrCat(
      Header(info, verdicts), CriteriaTable(verdicts), kRules,
      TrafficTable(info, record.end.counts), ServerTable(record),
      SegmentTable(record.segments), Details(info.unexpected_details),
      "\nFiles: soak.csv (a row a second; counts cumulative, wasp-load kinds "
      "added as their segments end), segments.csv, soak.png and soak.svg "
      "(when gnuplot is installed).\n");
}

std::string GnuplotScript(const std::string& dir) {
  return absl::StrReplaceAll(
      R"gp(# Written by wasp-soak: soak.png and soak.svg from its CSV files.
set datafile separator ","
set datafile missing NaN
samples = 'DIR/soak.csv'
segments = 'DIR/segments.csv'
png = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"
kind(k, c) = (strcol("kind") eq k) ? column(c) : NaN
do for [t in "png svg"] {
  if (t eq "png") {
    eval sprintf("set terminal %s size 1200,800", png)
  } else {
    set terminal svg size 1200,800 dynamic
  }
  set output sprintf('DIR/soak.%s', t)
  set multiplot layout 2,2 title "wasp-soak"
  set grid
  set key bottom right
  set xlabel "seconds"
  set yrange [0:*]
  set ylabel "RSS (MiB)"
  plot samples using "t_s":(column("http_rss_kib")/1024.0) with lines title "http", \
       samples using "t_s":(column("hostile_rss_kib")/1024.0) with lines title "hostile"
  set ylabel "open descriptors"
  plot samples using "t_s":"http_fds" with lines title "http", \
       samples using "t_s":"hostile_fds" with lines title "hostile"
  set ylabel "p99 per segment (ms)"
  set key top right
  set logscale y
  set yrange [*:*]
  plot segments using (kind("keepalive", "start_s")):(column("p99_us")/1000.0) with linespoints title "keep-alive", \
       segments using (kind("close", "start_s")):(column("p99_us")/1000.0) with linespoints title "a connection each", \
       segments using (kind("pipelined", "start_s")):(column("p99_us")/1000.0) with linespoints title "pipelined"
  unset logscale y
  set yrange [0:*]
  set ylabel "http server"
  plot samples using "t_s":"http_connections_open" with lines title "connections open", \
       samples using "t_s":"http_pool_in_use" with lines title "virtines in use"
  unset multiplot
  set output
}
)gp",
      {{"DIR", dir}});
}

}  // namespace wasp::soak
