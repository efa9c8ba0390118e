// What one measurement of the benchmark suite yields, as named fields: the
// run, what the load tool and the server's metrics said, and the figures
// derived from other records of the same run.
#ifndef WASP_TOOLS_BENCH_SUITE_RECORDS_H_
#define WASP_TOOLS_BENCH_SUITE_RECORDS_H_

#include <optional>
#include <string>

#include "tools/bench/suite/scenarios.h"

namespace wasp::bench {

// What a load tool reports of one run; empty where it did not say.
struct LoadResult {
  std::optional<double> requests_per_sec;
  std::optional<double> p50_us;
  std::optional<double> p99_us;
  std::optional<double> errors;
};

struct Record {
  Measurement run;
  int duration_s = 0;
  LoadResult load;
  // VM exits per response the load tool received (virtines only).
  std::optional<double> exits_per_request;
  std::string status = "ok";  // else what failed

  // Derived (report.h): against none at the same workers, file, mode and
  // connections (http, scaling) or payload (echo).
  std::optional<double> ratio_to_none;
  // workers / (t + e): t = none's time per request per worker, e = one exit.
  std::optional<double> ceiling_rps;
  std::optional<double> fraction_of_ceiling;  // virtines only
  std::optional<double> ratio_to_one_worker;  // scaling
  std::optional<double> mib_per_sec;          // echo: payload bytes each way

  bool ok() const { return status == "ok"; }
};

// One round of one tool in the load tool check (wasp-load against wrk).
struct LoadCheckRecord {
  std::string server;  // none or virtine
  std::string tool;    // wrk or wasp-load
  int round = 0;
  int connections = 0;
  int duration_s = 0;
  LoadResult load;
};

}  // namespace wasp::bench

#endif  // WASP_TOOLS_BENCH_SUITE_RECORDS_H_
