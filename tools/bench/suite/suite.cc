#include "tools/bench/suite/suite.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/common/admin_metrics.h"
#include "tools/common/child_process.h"

namespace wasp::bench {
namespace {

std::string FirstLine(absl::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

// The server's VM exits so far; empty without metrics (nginx).
std::optional<double> VmExits(const scale::Server& server) {
  if (server.admin_port() < 0) return std::nullopt;
  absl::StatusOr<std::string> metrics = FetchMetrics(server.admin_port());
  if (!metrics.ok()) return std::nullopt;
  absl::StatusOr<double> exits = MetricSum(*metrics, "wasp_vm_exits_total");
  if (!exits.ok()) return std::nullopt;
  return *exits;
}

LoadPaths PathsOf(const SuiteConfig& config) {
  return LoadPaths{.wasp_load = config.paths.wasp_load,
                   .wrk = config.paths.wrk,
                   .wrk_close_script = config.raw + "/close.lua"};
}

LoadSpec LoadFor(const SuiteConfig& config, const Measurement& run, int port) {
  std::string url = run.app == "echo" ? absl::StrCat("tcp://127.0.0.1:", port)
                                      : absl::StrCat("http://127.0.0.1:", port,
                                                     "/", run.file);
  return LoadSpec{.tool = config.load_tool,
                  .url = url,
                  .connections = run.connections,
                  .threads = run.placement.load_threads,
                  .cpus = run.placement.load_cpus,
                  .duration_s = config.duration_s,
                  .keepalive = run.keepalive,
                  .payload_bytes = run.payload_bytes};
}

void Progress(const Record& r) {
  auto value = [](std::optional<double> v) {
    return v ? absl::StrFormat("%.0f", *v) : std::string("NA");
  };
  std::fprintf(stderr,
               "suite: %-46s %10s req/s  p50 %8s us  p99 %9s us  errors %s  "
               "%s\n",
               r.run.RunName().c_str(), value(r.load.requests_per_sec).c_str(),
               value(r.load.p50_us).c_str(), value(r.load.p99_us).c_str(),
               value(r.load.errors).c_str(), r.status.c_str());
}

// Drives the load of `run` against `server`; fills the record's load
// figures and status.
void DriveLoad(const SuiteConfig& config, const Measurement& run,
               scale::Server& server, Record& record) {
  std::string base = absl::StrCat(config.raw, "/load-", run.RunName());
  LoadSpec spec = LoadFor(config, run, server.port());
  if (config.warmup_s > 0) {
    LoadSpec warmup = spec;
    warmup.duration_s = config.warmup_s;
    (void)RunLoad(warmup, PathsOf(config), base + "-warmup");  // not counted
  }
  std::optional<double> before = VmExits(server);
  absl::StatusOr<LoadResult> load = RunLoad(spec, PathsOf(config), base);
  std::optional<double> after = VmExits(server);
  if (!load.ok()) {
    std::fprintf(stderr, "suite: %s\n", load.status().ToString().c_str());
    record.status = "failed: the load tool did not finish";
    return;
  }
  record.load = *load;
  double rps = load->requests_per_sec.value_or(0);
  if (rps <= 0) {
    record.status = absl::StrFormat("failed: no responses (%.0f errors)",
                                    load->errors.value_or(0));
    record.load.p50_us.reset();
    record.load.p99_us.reset();
    return;
  }
  // Per response the client received (the server's counters count sends).
  if (before && after) {
    record.exits_per_request = (*after - *before) / (rps * config.duration_s);
  }
}

}  // namespace

scale::ServerSpec SpecFor(const SuiteConfig& config, const Measurement& run) {
  scale::ServerSpec spec{
      .config = run.config,
      .wasp_server = config.paths.wasp_server,
      .nginx = config.paths.nginx,
      .docroot = config.docroot,
      .work_dir = config.raw,
      .pool = 0,
      .max_connections = 0,
      .name = absl::StrCat("server-", run.ServerKey()),
      .app = run.app,
      .workers = run.placement.workers,
      .cpus = run.placement.server_cpus,
      .extra_flags = {"--admin_port=0", "--shutdown_grace=1s"}};
  if (run.config == "virtine-nosnap") {
    spec.config = "virtine";
    spec.env = {"WASP_NO_SNAPSHOT=1"};
  } else if (run.config == "virtine-fresh") {
    spec.config = "virtine";
    spec.extra_flags.push_back("--fresh_vm");
  }
  return spec;
}

absl::StatusOr<scale::Server*> ServerPool::Ensure(const Measurement& run) {
  std::string key = run.ServerKey();
  if (auto failed = failed_.find(key); failed != failed_.end()) {
    return failed->second;
  }
  auto it = servers_.find(key);
  if (it != servers_.end() && it->second->Running()) return it->second.get();
  if (it != servers_.end()) {
    std::fprintf(stderr, "suite: %s exited; restarting it\n", key.c_str());
    servers_.erase(it);
  }
  std::fprintf(stderr, "suite: starting %s (server CPUs %s)\n", key.c_str(),
               run.placement.server_cpus.c_str());
  absl::StatusOr<std::unique_ptr<scale::Server>> server =
      scale::Server::Start(SpecFor(config_, run));
  if (!server.ok()) {
    std::fprintf(stderr, "suite: %s: %s\n", key.c_str(),
                 server.status().ToString().c_str());
    failed_[key] = server.status();
    return server.status();
  }
  scale::Server* raw = server->get();
  servers_[key] = *std::move(server);
  return raw;
}

std::vector<Record> RunPlan(const SuiteConfig& config,
                            const std::vector<Measurement>& plan) {
  ServerPool pool(config);
  for (const Measurement& run : plan) (void)pool.Ensure(run);
  std::vector<Record> records;
  for (const Measurement& run : plan) {
    Record record{.run = run, .duration_s = config.duration_s};
    absl::StatusOr<scale::Server*> server = pool.Ensure(run);
    if (!server.ok()) {
      record.status = absl::StrCat("failed: did not start: ",
                                   FirstLine(server.status().message()));
    } else {
      DriveLoad(config, run, **server, record);
      if (!(*server)->Running()) {
        record.status = absl::StrCat(
            "failed: the server exited during the run (raw/server-",
            run.ServerKey(), ".log)");
      }
    }
    Progress(record);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<LoadCheckRecord> RunLoadCheck(const SuiteConfig& config) {
  std::vector<LoadCheckRecord> rounds;
  int connections = config.options.loads.back();
  int round_count = config.options.quick ? 1 : 3;
  for (const char* name : {"none", "virtine"}) {
    ServerPool pool(config);
    Measurement run{.scenario = "loadcheck",
                    .config = name,
                    .app = "http",
                    .file = "small.html",
                    .connections = connections};
    absl::StatusOr<scale::Server*> server = pool.Ensure(run);
    if (!server.ok()) continue;
    for (int round = 1; round <= round_count; ++round) {
      for (const char* tool : {"wrk", "wasp-load"}) {
        SuiteConfig with_tool = config;
        with_tool.load_tool = tool;
        LoadCheckRecord record{.server = name,
                               .tool = tool,
                               .round = round,
                               .connections = connections,
                               .duration_s = config.duration_s};
        absl::StatusOr<LoadResult> load =
            RunLoad(LoadFor(with_tool, run, (*server)->port()), PathsOf(config),
                    absl::StrCat(config.raw, "/loadcheck-", name, "-", tool,
                                 "-", round));
        if (load.ok()) record.load = *load;
        std::fprintf(stderr, "suite: load check %s round %d: %s %.0f req/s\n",
                     name, round, tool,
                     record.load.requests_per_sec.value_or(0));
        rounds.push_back(record);
      }
    }
  }
  return rounds;
}

absl::Status RunEngine(const SuiteConfig& config) {
  std::vector<std::string> argv = {
      config.paths.engine_bench,
      absl::StrCat("--benchmark_out=", config.out, "/engine.csv"),
      "--benchmark_out_format=csv", "--benchmark_color=false"};
  if (config.options.quick) {
    argv.push_back(
        "--benchmark_filter=BM_RawExitRoundTrip|BM_HypercallDispatch|"
        "BM_CachedSquareCall/|BM_FreshVirtinePerCall");
  }
  std::fprintf(stderr, "suite: engine_bench on CPU 0\n");
  absl::StatusOr<std::unique_ptr<ChildProcess>> bench = ChildProcess::Start(
      argv, config.out + "/engine.txt", config.raw + "/engine.stderr", 0);
  if (!bench.ok()) return bench.status();
  absl::StatusOr<int> status = (*bench)->Wait(absl::Minutes(30));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(absl::StrCat(
        "engine_bench exited with ", *status, " (see raw/engine.stderr)"));
  }
  return absl::OkStatus();
}

absl::Status RunScale(const SuiteConfig& config) {
  std::string configs = config.options.quick ? "none" : "virtine,none,nginx";
  std::fprintf(stderr, "suite: wasp-scale --configs=%s\n", configs.c_str());
  absl::StatusOr<std::unique_ptr<ChildProcess>> scale = ChildProcess::Start(
      {config.paths.wasp_scale, "--configs=" + configs,
       "--wasp_server=" + config.paths.wasp_server,
       "--wasp_load=" + config.paths.wasp_load, "--nginx=" + config.paths.nginx,
       absl::StrCat("--duration=", config.duration_s, "s"),
       "--out=" + config.out + "/scale"},
      "/dev/null", config.raw + "/scale.stderr");
  if (!scale.ok()) return scale.status();
  absl::StatusOr<int> status = (*scale)->Wait(absl::Minutes(30));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(absl::StrCat("wasp-scale exited with ", *status,
                                            " (see raw/scale.stderr)"));
  }
  return absl::OkStatus();
}

}  // namespace wasp::bench
