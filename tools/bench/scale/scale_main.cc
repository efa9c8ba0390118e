// wasp-scale: what many connections cost, in one run, for wasp-server's
// isolations and nginx side by side, each with one worker pinned to its CPU
// and the load on another:
//   - the worker's capacity (32 connections, closed loop);
//   - latency at half that rate over 32 connections, then over
//     --connections (10,000) connections;
//   - host memory per idle keep-alive connection (RSS growth of a fresh
//     server, divided by the connections held open);
//   - the throughput of 32 clients while --slow_clients trickle requests,
//     against their throughput alone;
//   - 200, 304 (If-None-Match) and 206 (Range) responses side by side;
//   - virtine: memory per pooled virtine (PSS of --pool=64 minus --pool=8).
// Results: scale.csv (config,metric,value) and scale.md with the targets.
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "guest/apps/http/docroot.h"
#include "tools/bench/scale/probes.h"
#include "tools/bench/scale/servers.h"
#include "tools/common/child_process.h"
#include "tools/common/fd_limit.h"
#include "tools/common/flag_names.h"
#include "tools/common/json_number.h"
#include "tools/common/order_stats.h"
#include "tools/common/proc_stats.h"

ABSL_FLAG(std::string, configs, "virtine,none,nginx",
          "what to measure: virtine, none, process, nginx");
ABSL_FLAG(std::string, wasp_server, "tools/server/wasp-server",
          "the wasp-server binary");
ABSL_FLAG(std::string, wasp_load, "tools/load/wasp-load",
          "the wasp-load binary");
ABSL_FLAG(std::string, nginx, "/usr/sbin/nginx", "the nginx binary");
ABSL_FLAG(int, server_cpu, 0, "CPU of the server's worker");
ABSL_FLAG(int, load_cpu, 1, "CPU of the load generator and clients");
ABSL_FLAG(int, connections, 10000, "connections of the many-connection runs");
ABSL_FLAG(int, slow_clients, 2000, "clients that trickle requests");
ABSL_FLAG(absl::Duration, slow_interval, absl::Seconds(1),
          "each slow client sends one byte this often");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "per measurement");
ABSL_FLAG(int, latency_rounds, 3,
          "alternating rounds of 32 and of --connections connections at half "
          "the capacity; medians are reported");
ABSL_FLAG(std::string, out, "", "directory for scale.csv and scale.md");

namespace wasp::scale {
namespace {

constexpr char kPath[] = "/hello.txt";
constexpr char kRequest[] = "GET /hello.txt HTTP/1.1\r\nHost: scale\r\n\r\n";
constexpr char kAnswer[] = "HTTP/1.1 200 OK\r\n";
constexpr int kSmallLoad = 32;

struct Context {
  std::string out;
  std::string docroot;
  std::string target_base;
  std::map<std::string, std::map<std::string, double>> results;
};

absl::StatusOr<std::string> RunLoad(const Server& server,
                                    std::vector<std::string> flags,
                                    absl::Duration warmup,
                                    const std::string& out_dir) {
  absl::Duration duration = absl::GetFlag(FLAGS_duration);
  std::vector<std::string> args = {
      absl::GetFlag(FLAGS_wasp_load), "--json",
      absl::StrCat("--cpus=", absl::GetFlag(FLAGS_load_cpu)),
      absl::StrCat("--duration=", absl::FormatDuration(duration)),
      absl::StrCat("--warmup=", absl::FormatDuration(warmup))};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(absl::StrCat("http://127.0.0.1:", server.port(), kPath));
  std::string out = absl::StrCat(out_dir, "/load.json");
  std::string err = absl::StrCat(out_dir, "/load.err");
  absl::StatusOr<std::unique_ptr<ChildProcess>> load =
      ChildProcess::Start(args, out, err);
  if (!load.ok()) return load.status();
  absl::StatusOr<int> status =
      (*load)->Wait(duration + warmup + absl::Seconds(60));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(
        absl::StrCat("wasp-load ", absl::StrJoin(args, " "), " exited with ",
                     *status, ": ", ReadFile(err)));
  }
  return ReadFile(out);
}

ServerSpec Spec(const Context& context, const std::string& config,
                int pool = 64) {
  return ServerSpec{.config = config,
                    .wasp_server = absl::GetFlag(FLAGS_wasp_server),
                    .nginx = absl::GetFlag(FLAGS_nginx),
                    .docroot = context.docroot,
                    .work_dir = context.out,
                    .cpu = absl::GetFlag(FLAGS_server_cpu),
                    .pool = pool,
                    .max_connections = absl::GetFlag(FLAGS_connections) + 1000,
                    .extra_flags = {"--idle_timeout=300s"}};
}

// One latency round at `rate`: 32 connections, then many.
struct LatencyRound {
  double p50_us_32, p99_us_32, rps_many, p50_us_many, p99_us_many;
  double errors_many, connected_many;
};

absl::StatusOr<LatencyRound> MeasureLatencyRound(const Context& context,
                                                 const Server& server,
                                                 const std::string& rate) {
  LatencyRound round;
  absl::StatusOr<std::string> json =
      RunLoad(server, {absl::StrCat("--connections=", kSmallLoad), rate},
              absl::Seconds(1), context.out);
  if (!json.ok()) return json.status();
  round.p50_us_32 = JsonNumber(*json, "p50", "latency_us");
  round.p99_us_32 = JsonNumber(*json, "p99", "latency_us");
  int many = absl::GetFlag(FLAGS_connections);
  json = RunLoad(server, {absl::StrCat("--connections=", many), rate},
                 absl::Seconds(3), context.out);
  if (!json.ok()) return json.status();
  round.rps_many = JsonNumber(*json, "requests_per_sec");
  round.p50_us_many = JsonNumber(*json, "p50", "latency_us");
  round.p99_us_many = JsonNumber(*json, "p99", "latency_us");
  round.errors_many = JsonNumber(*json, "total", "errors") +
                      JsonNumber(*json, "total", "connection_errors");
  round.connected_many = JsonNumber(*json, "connected");
  return round;
}

// Capacity, then latency at half of it over few and over many connections,
// in alternating rounds: this machine's stalls come and go within seconds,
// so each round's ratio compares runs a few seconds apart.
absl::Status MeasureLatency(Context& context, const std::string& config) {
  std::map<std::string, double>& r = context.results[config];
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(Spec(context, config));
  if (!server.ok()) return server.status();
  absl::StatusOr<std::string> json =
      RunLoad(**server, {absl::StrCat("--connections=", kSmallLoad)},
              absl::Seconds(1), context.out);
  if (!json.ok()) return json.status();
  double max = JsonNumber(*json, "requests_per_sec");
  r["max_rps_32"] = max;
  std::string rate = absl::StrFormat("--rate=%.0f", max / 2);
  std::map<std::string, std::vector<double>> rounds;
  r["errors_many"] = 0;
  r["connected_many"] = absl::GetFlag(FLAGS_connections);
  for (int i = 0; i < std::max(absl::GetFlag(FLAGS_latency_rounds), 1); ++i) {
    absl::StatusOr<LatencyRound> round =
        MeasureLatencyRound(context, **server, rate);
    if (!round.ok()) return round.status();
    rounds["p50_us_32"].push_back(round->p50_us_32);
    rounds["p99_us_32"].push_back(round->p99_us_32);
    rounds["rps_many"].push_back(round->rps_many);
    rounds["p50_us_many"].push_back(round->p50_us_many);
    rounds["p99_us_many"].push_back(round->p99_us_many);
    rounds["p99_ratio"].push_back(round->p99_us_many /
                                  std::max(round->p99_us_32, 1.0));
    r["errors_many"] += round->errors_many;
    r["connected_many"] = std::min(r["connected_many"], round->connected_many);
  }
  for (const auto& [metric, values] : rounds) r[metric] = Median(values);
  const std::vector<double>& ratios = rounds["p99_ratio"];
  r["p99_ratio_min"] = *std::min_element(ratios.begin(), ratios.end());
  r["p99_ratio_max"] = *std::max_element(ratios.begin(), ratios.end());
  return absl::OkStatus();
}

// RSS growth of a fresh server per idle keep-alive connection.
absl::Status MeasureIdleMemory(Context& context, const std::string& config) {
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(Spec(context, config));
  if (!server.ok()) return server.status();
  // One connection first, so what any first request allocates is not counted.
  absl::StatusOr<std::vector<UniqueFd>> first =
      OpenIdleConnections((*server)->port(), 1, kRequest, kAnswer);
  if (!first.ok()) return first.status();
  absl::SleepFor(absl::Milliseconds(200));
  absl::StatusOr<uint64_t> before = ResidentKiB((*server)->ServingPids());
  if (!before.ok()) return before.status();
  int many = absl::GetFlag(FLAGS_connections);
  absl::StatusOr<std::vector<UniqueFd>> idle =
      OpenIdleConnections((*server)->port(), many, kRequest, kAnswer);
  if (!idle.ok()) return idle.status();
  absl::SleepFor(absl::Milliseconds(200));
  absl::StatusOr<uint64_t> after = ResidentKiB((*server)->ServingPids());
  if (!after.ok()) return after.status();
  context.results[config]["idle_bytes_per_connection"] =
      (static_cast<double>(*after) - static_cast<double>(*before)) * 1024 /
      many;
  return absl::OkStatus();
}

// 32 clients' throughput while slow clients trickle requests, against it
// alone, on one fresh server.
absl::Status MeasureSlowClients(Context& context, const std::string& config) {
  std::map<std::string, double>& r = context.results[config];
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(Spec(context, config));
  if (!server.ok()) return server.status();
  std::vector<std::string> flags = {absl::StrCat("--connections=", kSmallLoad)};
  absl::StatusOr<std::string> alone =
      RunLoad(**server, flags, absl::Seconds(1), context.out);
  if (!alone.ok()) return alone.status();
  SlowClients slow((*server)->port(), absl::GetFlag(FLAGS_slow_clients),
                   absl::GetFlag(FLAGS_slow_interval));
  absl::StatusOr<std::string> with =
      RunLoad(**server, flags, absl::Seconds(2), context.out);
  if (!with.ok()) return with.status();
  r["rps_32_alone"] = JsonNumber(*alone, "requests_per_sec");
  r["rps_32_with_slow"] = JsonNumber(*with, "requests_per_sec");
  r["slow_ratio"] = r["rps_32_with_slow"] / std::max(r["rps_32_alone"], 1.0);
  r["slow_bytes_sent"] = static_cast<double>(slow.bytes_sent());
  return absl::OkStatus();
}

// The ETag of kPath, from one request.
absl::StatusOr<std::string> ETagOf(int port) {
  absl::StatusOr<std::vector<UniqueFd>> one =
      OpenIdleConnections(port, 1, kRequest, kAnswer);
  if (!one.ok()) return one.status();
  char buffer[2048];
  ssize_t n = ::recv((*one)[0].get(), buffer, sizeof buffer, 0);
  std::string head(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  size_t at = head.find("\r\nETag: ");
  if (at == std::string::npos) {
    return absl::NotFoundError("no ETag in: " + head.substr(0, 200));
  }
  size_t end = head.find("\r\n", at + 2);
  return head.substr(at + 8, end - at - 8);
}

// 200, 304 (If-None-Match) and 206 (Range) side by side: 32 connections,
// closed loop, on one fresh server.
absl::Status MeasureResponses(Context& context, const std::string& config) {
  std::map<std::string, double>& r = context.results[config];
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(Spec(context, config));
  if (!server.ok()) return server.status();
  absl::StatusOr<std::string> etag = ETagOf((*server)->port());
  if (!etag.ok()) return etag.status();
  struct Variant {
    const char* name;
    std::vector<std::string> flags;
  } variants[] = {
      {"200", {}},
      {"304", {"--header=If-None-Match: " + *etag, "--expect_status=304"}},
      {"206", {"--header=Range: bytes=0-9", "--expect_status=206"}},
  };
  for (Variant& variant : variants) {
    variant.flags.push_back(absl::StrCat("--connections=", kSmallLoad));
    absl::StatusOr<std::string> json =
        RunLoad(**server, variant.flags, absl::Seconds(1), context.out);
    if (!json.ok()) return json.status();
    r[absl::StrCat("rps_", variant.name)] =
        JsonNumber(*json, "requests_per_sec");
    r[absl::StrCat("p50_us_", variant.name)] =
        JsonNumber(*json, "p50", "latency_us");
    r[absl::StrCat("p99_us_", variant.name)] =
        JsonNumber(*json, "p99", "latency_us");
  }
  return absl::OkStatus();
}

// Proportional memory per pooled virtine: a pool of 64 against one of 8.
absl::Status MeasurePoolMemory(Context& context) {
  double pss[2];
  const int pools[2] = {8, 64};
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<std::unique_ptr<Server>> server =
        Server::Start(Spec(context, "virtine", pools[i]));
    if (!server.ok()) return server.status();
    absl::StatusOr<uint64_t> kib = ProportionalKiB((*server)->ServingPids());
    if (!kib.ok()) return kib.status();
    pss[i] = static_cast<double>(*kib);
  }
  context.results["virtine"]["pss_kib_per_pooled_virtine"] =
      (pss[1] - pss[0]) / (pools[1] - pools[0]);
  return absl::OkStatus();
}

absl::Status WriteDocroot(const std::string& dir) {
  absl::StatusOr<Docroot> site = UnpackDocroot(SampleDocroot());
  if (!site.ok()) return site.status();
  ::mkdir(dir.c_str(), 0755);
  for (const DocrootFile& file : site->files) {
    std::ofstream(dir + file.path) << file.body;
  }
  return absl::OkStatus();
}

struct Target {
  const char* config;
  const char* metric;
  const char* what;
  bool at_most;
  double bound;
};

constexpr Target kTargets[] = {
    {"virtine", "p99_ratio",
     "p99 over 10,000 connections / over 32 (median of the rounds)", true, 2},
    {"virtine", "errors_many", "errors over 10,000 connections", true, 0},
    {"virtine", "idle_bytes_per_connection", "bytes per idle connection", true,
     4096},
    {"virtine", "slow_ratio",
     "32 clients' throughput with slow clients / alone", false, 0.8},
    {"virtine", "pss_kib_per_pooled_virtine", "KiB (PSS) per pooled virtine",
     true, 256},
};

std::string Markdown(const Context& context, const std::string& command) {
  std::string md = absl::StrFormat(
      "# Many connections (wasp-scale)\n\n`%s`, %s. One worker on CPU %d, "
      "load on CPU %d; %d connections, %d slow clients; latencies are "
      "medians of %d alternating rounds.\n\n",
      command,
      absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone()),
      absl::GetFlag(FLAGS_server_cpu), absl::GetFlag(FLAGS_load_cpu),
      absl::GetFlag(FLAGS_connections), absl::GetFlag(FLAGS_slow_clients),
      absl::GetFlag(FLAGS_latency_rounds));
  std::vector<std::string> configs;
  std::map<std::string, bool> metrics;
  for (const auto& [config, values] : context.results) {
    configs.push_back(config);
    for (const auto& [metric, value] : values) metrics[metric] = true;
  }
  absl::StrAppend(&md, "| metric | ", absl::StrJoin(configs, " | "),
                  " |\n|---|");
  for (size_t i = 0; i < configs.size(); ++i) absl::StrAppend(&md, "---|");
  absl::StrAppend(&md, "\n");
  for (const auto& [metric, unused] : metrics) {
    absl::StrAppend(&md, "| ", metric);
    for (const std::string& config : configs) {
      const auto& values = context.results.at(config);
      auto it = values.find(metric);
      absl::StrAppend(
          &md, " | ",
          it == values.end() ? "" : absl::StrFormat("%.4g", it->second));
    }
    absl::StrAppend(&md, " |\n");
  }
  absl::StrAppend(&md, "\n| target | value | met? |\n|---|---|---|\n");
  for (const Target& target : kTargets) {
    auto config = context.results.find(target.config);
    if (config == context.results.end()) continue;
    auto value = config->second.find(target.metric);
    if (value == config->second.end()) continue;
    bool met = target.at_most ? value->second <= target.bound
                              : value->second >= target.bound;
    absl::StrAppendFormat(&md, "| %s %s %s %g | %.4g | %s |\n", target.config,
                          target.what,
                          target.at_most ? "<=" : ">=", target.bound,
                          value->second, met ? "met" : "**missed**");
  }
  return md;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "what many connections cost: wasp-server's isolations and nginx.\n"
      "  wasp-scale --out DIR [--configs=virtine,none,nginx] ...");
  UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  std::string command = absl::StrJoin(argv, argv + argc, " ");
  Context context{.out = absl::GetFlag(FLAGS_out)};
  if (context.out.empty()) {
    std::fprintf(stderr, "wasp-scale: --out DIR is required\n");
    return 2;
  }
  ::mkdir(context.out.c_str(), 0755);
  int many = absl::GetFlag(FLAGS_connections);
  if (absl::Status fds = RaiseDescriptorLimit(
          static_cast<uint64_t>(many + absl::GetFlag(FLAGS_slow_clients)) +
          256);
      !fds.ok()) {
    std::fprintf(stderr, "wasp-scale: %s\n",
                 std::string(fds.message()).c_str());
    return 2;
  }
  context.docroot = context.out + "/docroot";
  if (absl::Status written = WriteDocroot(context.docroot); !written.ok()) {
    std::fprintf(stderr, "wasp-scale: %s\n", written.ToString().c_str());
    return 1;
  }
  int failures = 0;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_configs), ',', absl::SkipEmpty())) {
    std::string config(name);
    for (auto measure : {&MeasureLatency, &MeasureIdleMemory,
                         &MeasureSlowClients, &MeasureResponses}) {
      if (absl::Status status = measure(context, config); !status.ok()) {
        std::fprintf(stderr, "wasp-scale: %s: %s\n", config.c_str(),
                     status.ToString().c_str());
        context.results[config]["failed"] = 1;
        ++failures;
      }
    }
    if (config == "virtine") {
      if (absl::Status status = MeasurePoolMemory(context); !status.ok()) {
        std::fprintf(stderr, "wasp-scale: virtine pool memory: %s\n",
                     status.ToString().c_str());
        ++failures;
      }
    }
  }
  std::ofstream csv(context.out + "/scale.csv");
  csv << "config,metric,value\n";
  for (const auto& [config, values] : context.results) {
    for (const auto& [metric, value] : values) {
      csv << absl::StrFormat("%s,%s,%.6g\n", config, metric, value);
    }
  }
  std::string md = Markdown(context, command);
  std::ofstream(context.out + "/scale.md") << md;
  std::fputs(md.c_str(), stdout);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace wasp::scale

int main(int argc, char** argv) { return wasp::scale::Main(argc, argv); }
