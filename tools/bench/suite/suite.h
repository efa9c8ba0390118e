// Runs the suite's measurements: starts each scenario's servers (found
// through their ready files or ports), drives the load, reads the servers'
// exit counters, and returns records.
#ifndef WASP_TOOLS_BENCH_SUITE_SUITE_H_
#define WASP_TOOLS_BENCH_SUITE_SUITE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/bench/scale/servers.h"
#include "tools/bench/suite/load_driver.h"
#include "tools/bench/suite/records.h"
#include "tools/bench/suite/scenarios.h"

namespace wasp::bench {

struct SuitePaths {
  std::string wasp_server;
  std::string wasp_load;
  std::string engine_bench;
  std::string wasp_scale;
  std::string nginx = "/usr/sbin/nginx";
  std::string wrk = "/usr/bin/wrk";
  std::string gnuplot = "/usr/bin/gnuplot";
};

struct SuiteConfig {
  SuiteOptions options;
  int duration_s = 5;
  int warmup_s = 1;  // of the same load before each measurement, not counted
  std::string load_tool = "wasp-load";
  std::string out;      // results
  std::string raw;      // the programs' own output
  std::string docroot;  // small.html and big.bin
  SuitePaths paths;
};

// The servers of one scenario, started on first use; all stop with it.
class ServerPool final {
 public:
  explicit ServerPool(const SuiteConfig& config) : config_(config) {}
  // The server `run` needs, restarted if it exited; a server that failed to
  // start is not tried again.
  absl::StatusOr<scale::Server*> Ensure(const Measurement& run);

 private:
  const SuiteConfig& config_;
  std::map<std::string, std::unique_ptr<scale::Server>> servers_;
  std::map<std::string, absl::Status> failed_;
};

// What the server for `run` is started with.
scale::ServerSpec SpecFor(const SuiteConfig& config, const Measurement& run);

// Every measurement of a plan, the servers of the plan started first so
// that the configurations alternate.
std::vector<Record> RunPlan(const SuiteConfig& config,
                            const std::vector<Measurement>& plan);

// wasp-load against wrk on the same servers (none, virtine), in turns.
std::vector<LoadCheckRecord> RunLoadCheck(const SuiteConfig& config);

// engine_bench on CPU 0 into engine.csv and engine.txt; Ok when it ran.
absl::Status RunEngine(const SuiteConfig& config);

// wasp-scale into out/scale (many connections, idle memory, slow clients).
absl::Status RunScale(const SuiteConfig& config);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_SUITE_H_
