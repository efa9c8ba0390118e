#include "tools/load/report.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace wasp::load {
namespace {

struct Percentile {
  const char* json_name;
  const char* text_name;
  double value;
};
constexpr Percentile kPercentiles[] = {{"p50", "p50", 50},
                                       {"p90", "p90", 90},
                                       {"p99", "p99", 99},
                                       {"p999", "p99.9", 99.9}};

double PerSecond(double count, double seconds) {
  return seconds > 0 ? count / seconds : 0;
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// {"name":count,...,"total":N} over the kinds of an error enum.
template <typename Kind, size_t N>
std::string JsonCounts(const std::array<uint64_t, N>& counts,
                       absl::string_view (*name)(Kind)) {
  std::vector<std::string> fields;
  uint64_t total = 0;
  for (size_t i = 0; i < N; ++i) {
    fields.push_back(
        absl::StrFormat("\"%s\":%d", name(static_cast<Kind>(i)), counts[i]));
    total += counts[i];
  }
  fields.push_back(absl::StrFormat("\"total\":%d", total));
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

// "3 (reset 3, closed 0, ...)" over the kinds of an error enum.
template <typename Kind, size_t N>
std::string TextCounts(const std::array<uint64_t, N>& counts,
                       absl::string_view (*name)(Kind)) {
  std::vector<std::string> kinds;
  uint64_t total = 0;
  for (size_t i = 0; i < N; ++i) {
    kinds.push_back(absl::StrCat(name(static_cast<Kind>(i)), " ", counts[i]));
    total += counts[i];
  }
  return absl::StrCat(total, " (", absl::StrJoin(kinds, ", "), ")");
}

std::string JsonLatency(const LatencyHistogram& latency) {
  std::string out = "{";
  for (const Percentile& p : kPercentiles) {
    absl::StrAppendFormat(&out, "\"%s\":%d,", p.json_name,
                          latency.ValueAtPercentile(p.value));
  }
  absl::StrAppendFormat(&out, "\"min\":%d,\"mean\":%.1f,\"max\":%d}",
                        latency.min(), latency.mean(), latency.max());
  return out;
}

std::string JsonHistogram(const LatencyHistogram& latency) {
  std::vector<std::string> buckets;
  for (const LatencyHistogram::Bucket& b : latency.NonEmptyBuckets()) {
    buckets.push_back(
        absl::StrFormat("{\"low_us\":%d,\"high_us\":%d,\"count\":%d}", b.low_us,
                        b.high_us, b.count));
  }
  return absl::StrCat("{\"buckets\":[", absl::StrJoin(buckets, ","), "]}");
}

std::string JsonStatuses(const LoadStats& stats) {
  std::vector<std::string> fields;
  for (int i = 1; i < 6; ++i) {
    fields.push_back(
        absl::StrFormat("\"%dxx\":%d", i, stats.status_classes[i]));
  }
  fields.push_back(absl::StrFormat("\"other\":%d", stats.status_classes[0]));
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

// Power-of-two buckets: row k holds values in [2^(k-1), 2^k - 1] us.
void AppendCoarseHistogram(const LatencyHistogram& latency, std::string* out) {
  std::vector<uint64_t> rows(40, 0);
  for (const LatencyHistogram::Bucket& b : latency.NonEmptyBuckets()) {
    rows[std::bit_width(static_cast<uint64_t>(b.high_us))] += b.count;
  }
  auto first =
      std::find_if(rows.begin(), rows.end(), [](uint64_t n) { return n > 0; });
  auto last = std::find_if(rows.rbegin(), rows.rend(),
                           [](uint64_t n) { return n > 0; });
  if (first == rows.end()) return;
  absl::StrAppend(out, "  histogram (latency <=, count, share, cumulative):\n");
  double total = static_cast<double>(latency.count());
  uint64_t cumulative = 0;
  for (auto row = first; row != last.base(); ++row) {
    int k = static_cast<int>(row - rows.begin());
    cumulative += *row;
    double share = 100.0 * static_cast<double>(*row) / total;
    absl::StrAppendFormat(
        out, "    %10s %12d %6.2f%% %7.3f%% %s\n",
        FormatMicros(static_cast<double>((int64_t{1} << k) - 1)), *row, share,
        100.0 * static_cast<double>(cumulative) / total,
        std::string(static_cast<size_t>(share / 2.5 + 0.5), '#'));
  }
}

}  // namespace

std::string FormatMicros(double micros) {
  if (micros < 1000) return absl::StrFormat("%.0f us", micros);
  if (micros < 1e6) return absl::StrFormat("%.2f ms", micros / 1e3);
  return absl::StrFormat("%.2f s", micros / 1e6);
}

std::string FormatBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrFormat("%.0f B", bytes)
                   : absl::StrFormat("%.1f %s", bytes, units[unit]);
}

std::string JsonReport(const RunInfo& run, const LoadStats& stats) {
  double seconds = run.duration_s;
  return absl::StrCat(
      "{\"target\":", JsonString(run.target),
      ",\"protocol\":", JsonString(run.protocol),
      absl::StrFormat(",\"connections\":%d,\"threads\":%d,\"pipeline\":%d,"
                      "\"keepalive\":%s,\"mode\":\"%s\",\"rate\":%.3f,",
                      run.connections, run.threads, run.pipeline,
                      run.keepalive ? "true" : "false",
                      run.rate > 0 ? "open" : "closed", run.rate),
      absl::StrFormat("\"duration_s\":%.6f,\"warmup_s\":%.6f,", seconds,
                      run.warmup_s),
      absl::StrFormat("\"requests\":%d,\"sent\":%d,\"answered\":%d,",
                      stats.answered, stats.sent, stats.answered),
      "\"errors\":", JsonCounts(stats.errors, &ErrorKindName),
      ",\"status\":", JsonStatuses(stats),
      absl::StrFormat(",\"connected\":%d,\"connects\":%d,\"peak_open\":%d,",
                      stats.connected, stats.connects, stats.peak_open),
      "\"connection_errors\":",
      JsonCounts(stats.connection_errors, &ConnectionErrorName),
      absl::StrFormat(",\"requests_per_sec\":%.3f,\"bytes_per_sec\":%.3f,"
                      "\"bytes_received\":%d,\"bytes_sent\":%d,",
                      PerSecond(stats.answered, seconds),
                      PerSecond(stats.bytes_received, seconds),
                      stats.bytes_received, stats.bytes_sent),
      "\"latency_us\":", JsonLatency(stats.latency),
      absl::StrFormat(",\"late_sends\":%d,\"max_send_lag_us\":%d,"
                      "\"backlog_at_end\":%d,",
                      stats.late_sends, stats.max_send_lag_ns / 1000,
                      stats.backlog_at_end),
      "\"histogram\":", JsonHistogram(stats.latency), "}");
}

std::string TextReport(const RunInfo& run, const LoadStats& stats) {
  double seconds = run.duration_s;
  std::string out = absl::StrFormat(
      "wasp-load %s: connections %d, threads %d, %s, %s, pipeline %d\n",
      run.target, run.connections, run.threads,
      run.rate > 0 ? absl::StrFormat("open loop at %.0f requests/s", run.rate)
                   : "closed loop",
      run.keepalive ? "keep-alive" : "a connection per request", run.pipeline);
  absl::StrAppendFormat(
      &out, "  duration   %.2f s measured (after %.2f s of warmup)\n", seconds,
      run.warmup_s);
  absl::StrAppendFormat(
      &out, "  requests   %d answered of %d sent: %.1f requests/s\n",
      stats.answered, stats.sent, PerSecond(stats.answered, seconds));
  absl::StrAppendFormat(&out, "  bytes      %s received (%s/s), %s sent\n",
                        FormatBytes(stats.bytes_received),
                        FormatBytes(PerSecond(stats.bytes_received, seconds)),
                        FormatBytes(stats.bytes_sent));
  absl::StrAppendFormat(&out, "  errors     %s\n",
                        TextCounts(stats.errors, &ErrorKindName));
  absl::StrAppendFormat(
      &out, "  connected  %d of %d connections, %d connects, %d open at most\n",
      stats.connected, run.connections, stats.connects, stats.peak_open);
  absl::StrAppendFormat(
      &out, "  connection errors %s%s\n",
      TextCounts(stats.connection_errors, &ConnectionErrorName),
      stats.last_other_errno == 0
          ? ""
          : absl::StrCat("; the last other: ",
                         std::strerror(stats.last_other_errno)));
  std::string latency = "  latency   ";
  for (const Percentile& p : kPercentiles) {
    absl::StrAppendFormat(
        &latency, " %s %s,", p.text_name,
        FormatMicros(stats.latency.ValueAtPercentile(p.value)));
  }
  absl::StrAppendFormat(&out, "%s max %s, mean %s\n", latency,
                        FormatMicros(stats.latency.max()),
                        FormatMicros(stats.latency.mean()));
  if (run.rate > 0) {
    absl::StrAppendFormat(&out,
                          "  pacing     %d sends more than 1 ms late, the "
                          "latest by %s; %d due but never sent\n",
                          stats.late_sends,
                          FormatMicros(stats.max_send_lag_ns / 1000.0),
                          stats.backlog_at_end);
  }
  AppendCoarseHistogram(stats.latency, &out);
  return out;
}

std::string ProgressLine(double elapsed_s, bool warming_up, uint64_t answered,
                         uint64_t errors, double requests_per_sec) {
  return absl::StrFormat("wasp-load: %5.1f s%s  %d answered  %d errors  %.0f/s",
                         elapsed_s, warming_up ? " (warmup)" : "", answered,
                         errors, requests_per_sec);
}

}  // namespace wasp::load
