#include "tools/soak/load_segments.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/common/child_process.h"
#include "tools/common/json_number.h"

namespace wasp::soak {
namespace {

// wasp-load ends at most --timeout (5 s) after its duration, then closes.
constexpr absl::Duration kLoadGrace = absl::Seconds(30);

uint64_t Count(double value) {
  return value < 0 ? 0 : static_cast<uint64_t>(value);
}

struct Running {
  std::unique_ptr<ChildProcess> process;
  std::string out;
  std::string err;
  std::string failure;
};

// The report of a child that ran; its stderr when it failed.
std::string Finish(Running& run, absl::Duration timeout, std::string& failure) {
  if (!run.failure.empty()) {
    failure = run.failure;
    return "";
  }
  absl::StatusOr<int> status = run.process->Wait(timeout);
  if (!status.ok()) {
    failure = std::string(status.status().message());
  } else if (*status != 0) {
    failure = absl::StrCat("wasp-load exited with ", *status, ": ",
                           ReadFile(run.err));
  }
  return failure.empty() ? ReadFile(run.out) : "";
}

}  // namespace

SegmentResult ParseLoadReport(const std::string& json) {
  SegmentResult r;
  r.seconds = JsonNumber(json, "duration_s");
  r.requests = Count(JsonNumber(json, "answered"));
  r.rps = JsonNumber(json, "requests_per_sec");
  r.p50_us = JsonNumber(json, "p50", "latency_us");
  r.p99_us = JsonNumber(json, "p99", "latency_us");
  r.p999_us = JsonNumber(json, "p999", "latency_us");
  r.max_us = JsonNumber(json, "max", "latency_us");
  r.errors = Count(JsonNumber(json, "total", "errors"));
  r.connection_errors = Count(JsonNumber(json, "total", "connection_errors"));
  return r;
}

void CountSegment(const SegmentResult& segment, TrafficCounters& counters) {
  if (!segment.failure.empty()) {
    counters.AddUnexpected(segment.kind, 1, segment.failure);
    return;
  }
  counters.Add(segment.kind, Outcome::kOk, segment.requests);
  uint64_t failed = segment.errors + segment.connection_errors;
  if (failed != 0) {
    counters.AddUnexpected(
        segment.kind, failed,
        absl::StrFormat("segment %d: %d failed requests, %d connection errors "
                        "(segments.csv)",
                        segment.index, segment.errors,
                        segment.connection_errors));
  }
}

std::vector<std::string> LoadRunner::Command(const LoadKind& kind,
                                             absl::Duration length) const {
  std::vector<std::string> argv = {
      wasp_load_, "--json",
      absl::StrCat("--duration=", absl::FormatDuration(length))};
  if (cpu_ >= 0) argv.push_back(absl::StrCat("--cpus=", cpu_));
  if (kind.rate > 0) argv.push_back(absl::StrFormat("--rate=%.0f", kind.rate));
  argv.insert(argv.end(), kind.flags.begin(), kind.flags.end());
  argv.push_back(kind.url);
  return argv;
}

absl::StatusOr<double> LoadRunner::MaxRate(const std::string& url,
                                           int connections,
                                           absl::Duration probe) {
  LoadKind closed = {
      .url = url,
      .flags = {absl::StrCat("--connections=", connections), "--warmup=1s"}};
  std::vector<std::string> argv = Command(closed, probe);
  std::string out = absl::StrCat(dir_, "/load-max.json");
  std::string err = absl::StrCat(dir_, "/load-max.err");
  absl::StatusOr<std::unique_ptr<ChildProcess>> load =
      ChildProcess::Start(argv, out, err);
  if (!load.ok()) return load.status();
  Running run = {.process = *std::move(load), .out = out, .err = err};
  std::string failure;
  std::string json = Finish(run, probe + kLoadGrace, failure);
  if (!failure.empty()) return absl::InternalError(failure);
  SegmentResult result = ParseLoadReport(json);
  if (result.rps <= 0 || result.errors + result.connection_errors != 0) {
    return absl::InternalError(
        absl::StrCat("measuring the maximum rate: ", absl::StrJoin(argv, " "),
                     " gave ", json));
  }
  return result.rps;
}

std::vector<SegmentResult> LoadRunner::RunSegment(
    int index, double start_s, absl::Duration length,
    const std::vector<LoadKind>& kinds) {
  std::vector<Running> runs(kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::string name = absl::StrCat(dir_, "/load-", KindName(kinds[i].kind));
    runs[i].out = name + ".json";
    runs[i].err = name + ".err";
    absl::StatusOr<std::unique_ptr<ChildProcess>> load = ChildProcess::Start(
        Command(kinds[i], length), runs[i].out, runs[i].err);
    if (load.ok()) {
      runs[i].process = *std::move(load);
    } else {
      runs[i].failure = std::string(load.status().message());
    }
  }
  std::vector<SegmentResult> results;
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::string failure;
    std::string json = Finish(runs[i], length + kLoadGrace, failure);
    SegmentResult result = failure.empty() ? ParseLoadReport(json)
                                           : SegmentResult{.failure = failure};
    result.index = index;
    result.kind = kinds[i].kind;
    result.start_s = start_s;
    result.rate = kinds[i].rate;
    results.push_back(result);
  }
  return results;
}

}  // namespace wasp::soak
