// What the scale benchmark measures besides wasp-load's reports: a
// server's memory, and clients that hold connections open or trickle
// requests.
#ifndef WASP_TOOLS_BENCH_SCALE_PROBES_H_
#define WASP_TOOLS_BENCH_SCALE_PROBES_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/unique_fd.h"

namespace wasp::scale {

// A "Name:  N kB" field of a /proc file (VmRSS of status, Pss of
// smaps_rollup), in KiB.
absl::StatusOr<uint64_t> ProcKiB(const std::string& path,
                                 absl::string_view field);
// Summed over `pids`.
absl::StatusOr<uint64_t> ResidentKiB(const std::vector<pid_t>& pids);
absl::StatusOr<uint64_t> ProportionalKiB(const std::vector<pid_t>& pids);
// The processes whose parent is `parent` (nginx's workers).
std::vector<pid_t> ChildrenOf(pid_t parent);

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
