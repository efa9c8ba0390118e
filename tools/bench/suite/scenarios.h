// The benchmark suite's runs as data: which server configuration, where it
// and the load are pinned, and what load each measurement applies.
#ifndef WASP_TOOLS_BENCH_SUITE_SCENARIOS_H_
#define WASP_TOOLS_BENCH_SUITE_SCENARIOS_H_

#include <string>
#include <vector>

namespace wasp::bench {

// wasp-server's isolations as the suite names them, and nginx.
inline const std::vector<std::string> kHttpConfigs = {
    "virtine", "virtine-nosnap", "virtine-fresh", "none", "process", "nginx"};
inline const std::vector<std::string> kEchoConfigs = {"virtine", "none",
                                                      "process"};
inline const std::vector<std::string> kScalingConfigs = {"virtine", "none",
                                                         "process", "nginx"};
inline const std::vector<std::string> kHttpFiles = {"small.html", "big.bin"};
inline const std::vector<int> kEchoPayloads = {64, 4096, 65536};
inline constexpr int kEchoConnections = 8;

// Where the server's workers and the load generator's threads run.
struct Placement {
  int workers = 1;
  std::string server_cpus = "0";
  std::string load_cpus = "1";
  int load_threads = 1;
};

// One measurement: a load against one server configuration.
struct Measurement {
  std::string scenario;  // http, echo or scaling
  std::string config;    // a name of kHttpConfigs
  std::string app;       // wasp-server's --app: http or echo
  Placement placement;
  std::string file;  // http: the path served
  bool keepalive = true;
  int payload_bytes = 0;  // echo: bytes per request
  int connections = 0;

  // The server this runs against: one per config, app and placement.
  std::string ServerKey() const;
  // A name for its raw output files: "virtine-http-small.html-keepalive-c8".
  std::string RunName() const;
};

struct SuiteOptions {
  std::vector<int> loads = {1, 8, 32};  // connections of the HTTP runs
  bool quick = false;
};

// Scenario 1: every file, keep-alive and close, every load, every config.
std::vector<Measurement> HttpPlan(const SuiteOptions& options);
// Scenario 2: echo by payload size.
std::vector<Measurement> EchoPlan();
// Scenario 3: keep-alive small.html at the largest load, 1 and 2 workers.
std::vector<Measurement> ScalingPlan(const SuiteOptions& options);

// "0,1" -> 2; the number of CPUs in a comma-separated list.
int CpuCount(const std::string& cpus);

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_SCENARIOS_H_
