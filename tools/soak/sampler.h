// Samples both servers once a second, while the soak runs: RSS and open
// descriptors from /proc, pool use and error counters from the admin
// /metrics, and the traffic counts. Each row also goes to soak.csv at once,
// so a run can be watched (and a crash leaves its data).
#ifndef WASP_TOOLS_SOAK_SAMPLER_H_
#define WASP_TOOLS_SOAK_SAMPLER_H_

#include <sys/types.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/common/admin_metrics.h"
#include "tools/soak/samples.h"
#include "tools/soak/traffic.h"

namespace wasp::soak {

// Fills the fields of kServerFields that come from /metrics.
absl::Status ReadMetrics(absl::string_view text, ServerSample& sample);

struct WatchedServer {
  pid_t pid = 0;
  int admin_port = -1;
};
// `alive` is false when /proc or /metrics did not answer.
ServerSample SampleServer(const WatchedServer& server);

class Sampler final {
 public:
  // Writes the header to `csv_path`, then a row a second from now on.
  static absl::StatusOr<std::unique_ptr<Sampler>> Start(
      WatchedServer http, WatchedServer hostile,
      const TrafficCounters* counters, const std::string& csv_path);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Ends sampling; the rows taken.
  std::vector<SoakSample> Stop();
  // One sample now (not recorded).
  SoakSample Take() const;

 private:
  Sampler(WatchedServer http, WatchedServer hostile,
          const TrafficCounters* counters, std::ofstream csv);
  void Run();

  const WatchedServer http_;
  const WatchedServer hostile_;
  const TrafficCounters* const counters_;
  const absl::Time start_;
  std::ofstream csv_;  // the sampling thread's only
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<SoakSample> samples_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_SAMPLER_H_
