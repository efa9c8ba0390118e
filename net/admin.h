// The admin endpoint, on its own port and thread so that a loaded dataplane
// cannot starve it: GET /metrics (Prometheus' text format), GET /healthz
// (200 while the process runs) and GET /readyz (200 while it takes new
// connections, 503 once it drains: a load balancer's health check).
#ifndef WASP_NET_ADMIN_H_
#define WASP_NET_ADMIN_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"

namespace wasp {

class AdminServer final {
 public:
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(
      UniqueFd listener, std::function<std::string()> metrics,
      std::function<bool()> ready);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

 private:
  AdminServer(UniqueFd listener, std::function<std::string()> metrics,
              std::function<bool()> ready)
      : listener_(std::move(listener)),
        metrics_(std::move(metrics)),
        ready_(std::move(ready)) {}
  void Loop();
  void Serve(int client);

  UniqueFd listener_;
  std::function<std::string()> metrics_;
  std::function<bool()> ready_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wasp

#endif  // WASP_NET_ADMIN_H_
