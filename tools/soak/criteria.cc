#include "tools/soak/criteria.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/common/order_stats.h"

namespace wasp::soak {
namespace {

Verdict Pass(const std::string& criterion, std::string detail) {
  return {.criterion = criterion, .passed = true, .detail = std::move(detail)};
}

Verdict Fail(const std::string& criterion, std::string detail) {
  return {.criterion = criterion, .passed = false, .detail = std::move(detail)};
}

std::string Describe(Window window) {
  return absl::StrFormat("samples %d-%d", window.begin, window.end - 1);
}

// The server counters that must stay zero on one server.
void ServerErrors(const char* server, const ServerSample& sample, bool http,
                  std::vector<std::string>& found) {
  for (const ServerField& field : kServerFields) {
    uint64_t value = sample.*field.member;
    bool counts = http ? field.error_on_http : field.error_on_hostile;
    if (counts && value != 0) {
      found.push_back(absl::StrCat(server, " ", field.column, " ", value));
    }
  }
}

std::vector<double> Series(const std::vector<SoakSample>& samples,
                           ServerSample SoakSample::*server,
                           uint64_t ServerSample::*field) {
  std::vector<double> series;
  series.reserve(samples.size());
  for (const SoakSample& sample : samples) {
    series.push_back(static_cast<double>(sample.*server.*field));
  }
  return series;
}

double MedianUs(const std::vector<double>& us, size_t begin, size_t end) {
  return Median(std::vector<double>(us.begin() + begin, us.begin() + end));
}

}  // namespace

FlatWindows ChooseFlatWindows(size_t samples) {
  if (samples >= kMinuteRuleSamples) {
    return {.reference = {60, 120}, .last = {samples - 60, samples}};
  }
  size_t last = (samples * 2 + 9) / 10;  // 20%, rounded up
  return {.reference = {samples / 10, samples * 3 / 10},
          .last = {samples - last, samples}};
}

double WindowMean(const std::vector<double>& series, Window window) {
  window.end = std::min(window.end, series.size());
  if (window.begin >= window.end) return 0;
  double sum = 0;
  for (size_t i = window.begin; i < window.end; ++i) sum += series[i];
  return sum / static_cast<double>(window.end - window.begin);
}

Verdict CheckFlat(const std::string& criterion,
                  const std::vector<double>& series) {
  if (series.size() < kMinFlatSamples) {
    return Fail(criterion, absl::StrFormat("only %d samples, %d needed",
                                           series.size(), kMinFlatSamples));
  }
  FlatWindows windows = ChooseFlatWindows(series.size());
  double reference = WindowMean(series, windows.reference);
  double last = WindowMean(series, windows.last);
  if (reference <= 0) {
    return Fail(criterion, absl::StrCat("nothing measured over ",
                                        Describe(windows.reference)));
  }
  double change = (last - reference) / reference;
  std::string detail = absl::StrFormat(
      "mean %.1f over %s vs %.1f over %s: %+.2f%% (limit %.0f%%)", last,
      Describe(windows.last), reference, Describe(windows.reference),
      change * 100, kFlatTolerance * 100);
  return std::abs(change) <= kFlatTolerance ? Pass(criterion, detail)
                                            : Fail(criterion, detail);
}

size_t LateSegments(size_t segments) {
  return std::min(segments, std::max(kMinLateSegments, (segments + 3) / 4));
}

Verdict CheckP99Drift(const std::vector<double>& p99_us, double floor_us) {
  const std::string criterion = "p99_no_drift";
  if (p99_us.size() < kMinDriftSegments) {
    return Fail(criterion,
                absl::StrFormat("only %d keep-alive segments, %d needed",
                                p99_us.size(), kMinDriftSegments));
  }
  size_t late = LateSegments(p99_us.size());
  size_t early = p99_us.size() - late;
  double before = MedianUs(p99_us, 0, early);
  double after = MedianUs(p99_us, early, p99_us.size());
  double limit = std::max(kDriftFactor * before, before + floor_us);
  std::string detail = absl::StrFormat(
      "median p99 of the last %d segments %.0f us, of the %d before %.0f us; "
      "limit %.0f us (2x, or +%.0f us)",
      late, after, early, before, limit, floor_us);
  return after <= limit ? Pass(criterion, detail) : Fail(criterion, detail);
}

Verdict CheckNoUnexpectedErrors(const AllCounts& counts,
                                const ServerSample& http,
                                const ServerSample& hostile) {
  std::vector<std::string> found;
  uint64_t ok = 0, expected = 0;
  for (size_t i = 0; i < kTrafficKinds; ++i) {
    ok += counts[i].ok;
    expected += counts[i].expected;
    if (counts[i].unexpected != 0) {
      found.push_back(
          absl::StrCat(KindName(KindAt(i)), " ", counts[i].unexpected));
    }
  }
  ServerErrors("http server", http, /*http=*/true, found);
  ServerErrors("hostile server", hostile, /*http=*/false, found);
  const std::string criterion = "no_unexpected_errors";
  if (!found.empty()) {
    return Fail(criterion,
                absl::StrCat("unexpected: ", absl::StrJoin(found, ", ")));
  }
  return Pass(criterion, absl::StrFormat("%d ok, %d expected errors, none "
                                         "unexpected",
                                         ok, expected));
}

Verdict CheckServersAlive(const ServerSample& http,
                          const ServerSample& hostile) {
  std::vector<std::string> gone;
  if (!http.alive) gone.push_back("http");
  if (!hostile.alive) gone.push_back("hostile");
  if (gone.empty()) return Pass("servers_alive", "both answer /metrics");
  return Fail("servers_alive", absl::StrCat(absl::StrJoin(gone, " and "),
                                            " server no longer answers"));
}

std::vector<Verdict> Evaluate(const SoakRecord& record, double drift_floor_us) {
  std::vector<Verdict> verdicts;
  const std::vector<SoakSample>& samples = record.samples;
  const SoakSample& end = record.end;
  verdicts.push_back(
      CheckNoUnexpectedErrors(end.counts, end.http, end.hostile));
  verdicts.push_back(CheckServersAlive(end.http, end.hostile));
  verdicts.push_back(
      CheckFlat("http_rss_flat",
                Series(samples, &SoakSample::http, &ServerSample::rss_kib)));
  verdicts.push_back(CheckFlat(
      "http_fds_flat", Series(samples, &SoakSample::http, &ServerSample::fds)));
  verdicts.push_back(
      CheckFlat("hostile_rss_flat",
                Series(samples, &SoakSample::hostile, &ServerSample::rss_kib)));
  verdicts.push_back(
      CheckFlat("hostile_fds_flat",
                Series(samples, &SoakSample::hostile, &ServerSample::fds)));
  std::vector<double> p99;
  for (const SegmentResult& segment : record.segments) {
    if (segment.kind == TrafficKind::kKeepAlive && segment.failure.empty()) {
      p99.push_back(segment.p99_us);
    }
  }
  verdicts.push_back(CheckP99Drift(p99, drift_floor_us));
  verdicts.push_back(record.hostile_answers_at_end
                         ? Pass("hostile_answers", record.hostile_check)
                         : Fail("hostile_answers", record.hostile_check));
  return verdicts;
}

bool AllPassed(const std::vector<Verdict>& verdicts) {
  return std::all_of(verdicts.begin(), verdicts.end(),
                     [](const Verdict& v) { return v.passed; });
}

}  // namespace wasp::soak
