// The admin endpoint: GET /metrics in Prometheus' text format, on its own
// port and thread so that a loaded dataplane cannot starve it.
#ifndef WASP_NET_ADMIN_H_
#define WASP_NET_ADMIN_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "engine/unique_fd.h"

namespace wasp {

class AdminServer final {
 public:
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(
      UniqueFd listener, std::function<std::string()> metrics);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

 private:
  AdminServer(UniqueFd listener, std::function<std::string()> metrics)
      : listener_(std::move(listener)), metrics_(std::move(metrics)) {}
  void Loop();
  void Serve(int client);

  UniqueFd listener_;
  std::function<std::string()> metrics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wasp

#endif  // WASP_NET_ADMIN_H_
