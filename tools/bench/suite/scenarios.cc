#include "tools/bench/suite/scenarios.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wasp::bench {

std::string Measurement::ServerKey() const {
  return absl::StrCat(config, "-", app, "-w", placement.workers);
}

std::string Measurement::RunName() const {
  if (app == "echo") {
    return absl::StrCat(ServerKey(), "-p", payload_bytes, "-c", connections);
  }
  return absl::StrCat(ServerKey(), "-", file, "-",
                      keepalive ? "keepalive" : "close", "-c", connections);
}

std::vector<Measurement> HttpPlan(const SuiteOptions& options) {
  std::vector<Measurement> plan;
  // Configurations innermost, so that they alternate through the run.
  for (const std::string& file : kHttpFiles) {
    for (bool keepalive : {true, false}) {
      for (int connections : options.loads) {
        for (const std::string& config : kHttpConfigs) {
          plan.push_back({.scenario = "http",
                          .config = config,
                          .app = "http",
                          .file = file,
                          .keepalive = keepalive,
                          .connections = connections});
        }
      }
    }
  }
  return plan;
}

std::vector<Measurement> EchoPlan() {
  std::vector<Measurement> plan;
  for (int payload : kEchoPayloads) {
    for (const std::string& config : kEchoConfigs) {
      plan.push_back({.scenario = "echo",
                      .config = config,
                      .app = "echo",
                      .payload_bytes = payload,
                      .connections = kEchoConnections});
    }
  }
  return plan;
}

std::vector<Measurement> ScalingPlan(const SuiteOptions& options) {
  // Two workers take both CPUs: the load shares them, with two threads.
  const Placement placements[] = {
      {.workers = 1, .server_cpus = "0", .load_cpus = "1", .load_threads = 1},
      {.workers = 2,
       .server_cpus = "0,1",
       .load_cpus = "0,1",
       .load_threads = 2}};
  std::vector<Measurement> plan;
  for (const Placement& placement : placements) {
    for (const std::string& config : kScalingConfigs) {
      plan.push_back({.scenario = "scaling",
                      .config = config,
                      .app = "http",
                      .placement = placement,
                      .file = "small.html",
                      .connections = options.loads.back()});
    }
  }
  return plan;
}

int CpuCount(const std::string& cpus) {
  int count = 0;
  for (absl::string_view cpu : absl::StrSplit(cpus, ',', absl::SkipEmpty())) {
    (void)cpu;
    ++count;
  }
  return count;
}

}  // namespace wasp::bench
