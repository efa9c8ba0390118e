// wasp-load: the project's load generator for wasp-server (HTTP/1.1 or
// echo), closed loop or open loop at a fixed rate, one io_uring per pinned
// thread. See docs in tools/load/README.md.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/common/fd_limit.h"
#include "tools/common/flag_names.h"
#include "tools/load/load_loop.h"
#include "tools/load/report.h"
#include "tools/load/request.h"
#include "tools/load/target.h"

ABSL_FLAG(int, connections, 32, "connections kept open (over all threads)");
ABSL_FLAG(int, threads, 1, "threads, each with its own io_uring, pinned");
ABSL_FLAG(std::string, cpus, "",
          "CPUs to pin threads to, e.g. `1,3` or `2-5` (default: no "
          "pinning, as wrk)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "how long to measure (after --warmup)");
ABSL_FLAG(int64_t, requests, 0,
          "measure this many requests instead of a duration (0: use "
          "--duration)");
ABSL_FLAG(absl::Duration, warmup, absl::ZeroDuration(),
          "load before the measurement, not counted");
ABSL_FLAG(bool, keepalive, true,
          "reuse connections; false: one connection per request");
ABSL_FLAG(int, pipeline, 1, "requests in flight per connection");
ABSL_FLAG(int, payload, 64, "bytes per echo request (tcp:// targets)");
ABSL_FLAG(std::string, method, "GET", "HTTP method");
ABSL_FLAG(std::string, header, "",
          "extra HTTP header `Name: value`; repeat the flag or separate "
          "headers with commas");
ABSL_FLAG(int, expect_status, 0,
          "the HTTP status that counts as answered (e.g. 304 for conditional "
          "requests, 206 for ranges); 0: any 2xx; others are bad_status");
ABSL_FLAG(double, rate, 0,
          "requests per second over all connections (open loop; latency "
          "counts from each request's intended start); 0: closed loop");
ABSL_FLAG(bool, json, false, "print one JSON object on stdout");
ABSL_FLAG(bool, allow_remote, false,
          "allow a target that is not a loopback address");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5),
          "per request: how long a response may take (and a connect)");
ABSL_FLAG(int, max_connecting, 1024,
          "connects in flight at once, over all threads (SYN sent, no answer "
          "yet); the others wait their turn. Keep it below the server's "
          "listen backlog");

namespace wasp::load {
namespace {

// "1,3,5-7" → {1, 3, 5, 6, 7}; empty → none: threads are not pinned (as
// wrk's are not), so a run never lands on a server's pinned CPU by default.
absl::StatusOr<std::vector<int>> CpuList(const std::string& list) {
  std::vector<int> cpus;
  if (list.empty()) return cpus;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    std::pair<std::string, std::string> range = absl::StrSplit(item, '-');
    int low, high;
    if (!absl::SimpleAtoi(range.first, &low) ||
        !absl::SimpleAtoi(range.second.empty() ? range.first : range.second,
                          &high) ||
        low < 0 || high < low || high >= CPU_SETSIZE) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--cpus=", list, ": `", item, "` is not a CPU or range"));
    }
    for (int cpu = low; cpu <= high; ++cpu) cpus.push_back(cpu);
  }
  return cpus;
}

absl::Status CheckFlags() {
  int connections = absl::GetFlag(FLAGS_connections);
  int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 1) return absl::InvalidArgumentError("--threads must be >= 1");
  if (connections < threads) {
    return absl::InvalidArgumentError("--connections must be >= --threads");
  }
  if (absl::GetFlag(FLAGS_max_connecting) < threads) {
    return absl::InvalidArgumentError("--max_connecting must be >= --threads");
  }
  if (absl::GetFlag(FLAGS_pipeline) < 1) {
    return absl::InvalidArgumentError("--pipeline must be >= 1");
  }
  if (absl::GetFlag(FLAGS_pipeline) > 1 && !absl::GetFlag(FLAGS_keepalive)) {
    return absl::InvalidArgumentError("--pipeline needs --keepalive");
  }
  if (absl::GetFlag(FLAGS_payload) < 1) {
    return absl::InvalidArgumentError("--payload must be >= 1");
  }
  if (int expect = absl::GetFlag(FLAGS_expect_status);
      expect != 0 && (expect < 100 || expect > 599)) {
    return absl::InvalidArgumentError("--expect_status must be 100-599 or 0");
  }
  if (absl::GetFlag(FLAGS_rate) < 0) {
    return absl::InvalidArgumentError("--rate must be >= 0");
  }
  if (absl::GetFlag(FLAGS_requests) < 0 ||
      (absl::GetFlag(FLAGS_requests) == 0 &&
       absl::GetFlag(FLAGS_duration) <= absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        "give a positive --duration or --requests");
  }
  if (absl::GetFlag(FLAGS_warmup) < absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_timeout) <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--warmup must be >= 0 and --timeout > 0");
  }
  return absl::OkStatus();
}

// The plan every thread shares; per-thread fields are set by ThreadPlans.
absl::StatusOr<LoadPlan> CommonPlan(const Target& target,
                                    const std::vector<std::string>& headers) {
  LoadPlan plan;
  absl::StatusOr<SocketAddress> address =
      ResolveTarget(target, absl::GetFlag(FLAGS_allow_remote));
  if (!address.ok()) return address.status();
  plan.address = *address;
  plan.protocol = target.protocol;
  plan.keepalive = absl::GetFlag(FLAGS_keepalive);
  if (target.protocol == Protocol::kHttp) {
    std::string method = absl::GetFlag(FLAGS_method);
    absl::StatusOr<std::string> request =
        HttpRequest(target, method, headers, plan.keepalive);
    if (!request.ok()) return request.status();
    plan.request = *request;
    plan.head_requests = method == "HEAD";
    plan.expect_status = absl::GetFlag(FLAGS_expect_status);
  } else {
    plan.request = EchoPayload(absl::GetFlag(FLAGS_payload));
  }
  plan.total_connections = absl::GetFlag(FLAGS_connections);
  plan.pipeline = absl::GetFlag(FLAGS_pipeline);
  plan.rate = absl::GetFlag(FLAGS_rate);
  plan.timeout_ns = absl::ToInt64Nanoseconds(absl::GetFlag(FLAGS_timeout));
  // A little time for every thread to set up before the common start.
  plan.start_ns = MonotonicNowNs() + 20'000'000;
  plan.measure_start_ns =
      plan.start_ns + absl::ToInt64Nanoseconds(absl::GetFlag(FLAGS_warmup));
  if (absl::GetFlag(FLAGS_requests) == 0) {
    plan.end_ns = plan.measure_start_ns +
                  absl::ToInt64Nanoseconds(absl::GetFlag(FLAGS_duration));
  }
  return plan;
}

// Connections and --requests split between threads as evenly as possible.
std::vector<LoadPlan> ThreadPlans(const LoadPlan& common,
                                  const std::vector<int>& cpus) {
  int threads = absl::GetFlag(FLAGS_threads);
  int total = common.total_connections;
  auto requests = static_cast<uint64_t>(absl::GetFlag(FLAGS_requests));
  std::vector<LoadPlan> plans;
  int first = 0;
  for (int t = 0; t < threads; ++t) {
    LoadPlan plan = common;
    plan.connections = total / threads + (t < total % threads ? 1 : 0);
    plan.first_connection = first;
    int after = first + plan.connections;
    plan.requests = requests * after / total - requests * first / total;
    int max_connecting = absl::GetFlag(FLAGS_max_connecting);
    plan.max_connecting =
        max_connecting / threads + (t < max_connecting % threads ? 1 : 0);
    plan.cpu = cpus.empty() ? -1 : cpus[t % cpus.size()];
    first = after;
    plans.push_back(plan);
  }
  return plans;
}

// Runs one loop per thread; prints progress on a terminal.
absl::StatusOr<LoadStats> RunThreads(const std::vector<LoadPlan>& plans) {
  size_t n = plans.size();
  std::vector<std::unique_ptr<LoadLoop>> loops(n);
  std::vector<std::atomic<LoadLoop*>> live(n);
  std::vector<absl::Status> results(n);
  std::atomic<size_t> done{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<std::unique_ptr<LoadLoop>> loop =
          LoadLoop::Create(plans[t]);
      if (loop.ok()) {
        loops[t] = std::move(*loop);
        live[t].store(loops[t].get());
        results[t] = loops[t]->Run();
      } else {
        results[t] = loop.status();
      }
      done.fetch_add(1);
    });
  }
  bool terminal = isatty(STDERR_FILENO) == 1;
  int64_t last_print = MonotonicNowNs();
  uint64_t last_answered = 0;
  while (done.load() < n) {
    absl::SleepFor(absl::Milliseconds(50));
    int64_t now = MonotonicNowNs();
    if (!terminal || now - last_print < 1'000'000'000) continue;
    uint64_t answered = 0, errors = 0;
    for (auto& loop : live) {
      LoadLoop* l = loop.load();
      if (l == nullptr) continue;
      answered += l->answered_so_far();
      errors += l->errors_so_far();
    }
    double rps = (answered - last_answered) * 1e9 / (now - last_print);
    std::fprintf(
        stderr, "\r%s\033[K",
        ProgressLine((now - plans[0].start_ns) / 1e9,
                     now < plans[0].measure_start_ns, answered, errors, rps)
            .c_str());
    last_print = now;
    last_answered = answered;
  }
  for (auto& thread : threads) thread.join();
  if (terminal) std::fprintf(stderr, "\r\033[K");
  LoadStats total;
  for (size_t t = 0; t < n; ++t) {
    if (!results[t].ok()) return results[t];
    total.Merge(loops[t]->stats());
  }
  return total;
}

int Main(int argc, char** argv) {
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 2) {
    std::fprintf(stderr,
                 "usage: wasp-load [flags] http://HOST:PORT/PATH | "
                 "tcp://HOST:PORT (--help for the flags)\n");
    return 2;
  }
  std::vector<std::string> headers;
  for (const std::string& value : RepeatedFlagValues(argc, argv, "header")) {
    for (std::string& header : SplitHeaderList(value)) {
      headers.push_back(std::move(header));
    }
  }
  absl::StatusOr<Target> target = ParseTarget(positional[1]);
  absl::Status status = target.ok() ? CheckFlags() : target.status();
  absl::StatusOr<std::vector<int>> cpus = CpuList(absl::GetFlag(FLAGS_cpus));
  if (status.ok()) status = cpus.status();
  absl::StatusOr<LoadPlan> plan =
      status.ok() ? CommonPlan(*target, headers) : status;
  if (plan.ok()) {
    // Before any connection opens: a run short of descriptors would fail
    // part of its connects with EMFILE.
    absl::Status fits = FitDescriptorLimit(absl::GetFlag(FLAGS_connections),
                                           absl::GetFlag(FLAGS_threads));
    if (!fits.ok()) plan = fits;
  }
  if (!plan.ok()) {
    std::fprintf(stderr, "wasp-load: %s\n",
                 std::string(plan.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<LoadStats> stats = RunThreads(ThreadPlans(*plan, *cpus));
  if (!stats.ok()) {
    std::fprintf(stderr, "wasp-load: %s\n", stats.status().ToString().c_str());
    return 1;
  }
  RunInfo run = {
      .target = target->ToString(),
      .protocol = target->protocol == Protocol::kHttp ? "http" : "echo",
      .connections = plan->total_connections,
      .threads = absl::GetFlag(FLAGS_threads),
      .pipeline = plan->pipeline,
      .keepalive = plan->keepalive,
      .rate = plan->rate,
      .warmup_s = absl::ToDoubleSeconds(absl::GetFlag(FLAGS_warmup)),
  };
  // A --requests run lasts until its last request ended.
  int64_t end_ns = plan->end_ns != 0 ? plan->end_ns : stats->last_done_ns;
  run.duration_s = static_cast<double>(
                       std::max<int64_t>(end_ns - plan->measure_start_ns, 0)) /
                   1e9;
  std::string report = absl::GetFlag(FLAGS_json)
                           ? JsonReport(run, *stats) + "\n"
                           : TextReport(run, *stats);
  std::fputs(report.c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace wasp::load

int main(int argc, char** argv) {
  wasp::UnderscoreFlagNames(argc, argv);
  wasp::ListToolFlagsInHelp("tools/load/");
  absl::SetProgramUsageMessage(
      "load for wasp-server: wasp-load [flags] http://HOST:PORT/PATH or "
      "tcp://HOST:PORT (echo). Only loopback targets unless --allow_remote.");
  return wasp::load::Main(argc, argv);
}
