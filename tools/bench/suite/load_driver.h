// The load generators the suite drives: wasp-load (--json) or wrk, pinned
// to the load's CPUs, their output read into a LoadResult.
#ifndef WASP_TOOLS_BENCH_SUITE_LOAD_DRIVER_H_
#define WASP_TOOLS_BENCH_SUITE_LOAD_DRIVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/bench/suite/records.h"

namespace wasp::bench {

struct LoadSpec {
  std::string tool;  // wasp-load or wrk
  std::string url;   // http://127.0.0.1:PORT/FILE or tcp://127.0.0.1:PORT
  int connections = 1;
  int threads = 1;
  std::string cpus;  // where the load runs: "1", "0,1"
  int duration_s = 1;
  bool keepalive = true;
  int payload_bytes = 0;  // echo (wasp-load only); 0: its default
};

// Binaries and files a load run needs.
struct LoadPaths {
  std::string wasp_load;
  std::string wrk = "/usr/bin/wrk";
  // A wrk script that sets "Connection: close" (wrk has no such mode).
  std::string wrk_close_script;
};

// The command line of one run; fails for what the tool cannot do.
absl::StatusOr<std::vector<std::string>> LoadArgv(const LoadSpec& spec,
                                                  const LoadPaths& paths);

// wrk --latency's text: requests/s, p50, p99; errors are socket errors
// (connect, read, write, timeout) and non-2xx/3xx answers.
LoadResult ParseWrk(const std::string& text);
// wasp-load --json: requests_per_sec, latency_us.p50/.p99, errors.total.
LoadResult ParseWaspLoadJson(const std::string& json);

// Runs the load to its end; its command, output and errors go to
// `log_base`.cmd, .txt and .err.
absl::StatusOr<LoadResult> RunLoad(const LoadSpec& spec, const LoadPaths& paths,
                                   const std::string& log_base);

// The contents of a wrk script for one request per connection.
inline constexpr char kWrkCloseScript[] =
    "-- wrk has no one-request-per-connection mode: ask the server to close\n"
    "-- after each response; wrk then opens a new connection.\n"
    "wrk.headers[\"Connection\"] = \"close\"\n";

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_LOAD_DRIVER_H_
