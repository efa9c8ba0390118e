// Clients the scale benchmark adds to wasp-load's: they hold connections
// open or trickle requests (the server's memory: tools/common/proc_stats.h).
#ifndef WASP_TOOLS_BENCH_SCALE_PROBES_H_
#define WASP_TOOLS_BENCH_SCALE_PROBES_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"

namespace wasp::scale {

// `count` keep-alive connections to 127.0.0.1:`port`, each of which sent
// `request` and read the start of its answer (`expect`), then stays open.
absl::StatusOr<std::vector<UniqueFd>> OpenIdleConnections(
    int port, int count, const std::string& request, const std::string& expect);

// Slow clients: each sends one byte of a request head that never ends,
// every `interval`, until stopped (a server may answer 408 and close them;
// those are opened again).
class SlowClients final {
 public:
  SlowClients(int port, int count, absl::Duration interval);
  ~SlowClients();
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;

  uint64_t bytes_sent() const { return bytes_sent_.load(); }
  uint64_t connects() const { return connects_.load(); }

 private:
  void Run(int port, int count, absl::Duration interval);

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> bytes_sent_{0};
  std::atomic<uint64_t> connects_{0};
  std::thread thread_;
};

}  // namespace wasp::scale

#endif  // WASP_TOOLS_BENCH_SCALE_PROBES_H_
