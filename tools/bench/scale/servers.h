// The servers the scale benchmark compares: wasp-server (virtine, none,
// process) and nginx, each started on its own CPU with one worker, found
// through its ready file (wasp-server) or its port (nginx).
#ifndef WASP_TOOLS_BENCH_SCALE_SERVERS_H_
#define WASP_TOOLS_BENCH_SCALE_SERVERS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/common/child_process.h"

namespace wasp::scale {

struct ServerSpec {
  std::string config;  // virtine, none, process or nginx
  std::string wasp_server;
  std::string nginx;
  std::string docroot;  // served by both
  std::string work_dir;
  int cpu = 0;  // -1: not pinned
  int pool = 64;
  int max_connections = 20000;
};

class Server final {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerSpec& spec);

  int port() const { return port_; }
  // The server and its children (nginx's workers, process isolation's
  // connections).
  std::vector<pid_t> ServingPids() const;
  std::string Log() const { return ReadFile(log_); }

 private:
  Server(std::unique_ptr<ChildProcess> process, int port, std::string log)
      : process_(std::move(process)), port_(port), log_(std::move(log)) {}

  std::unique_ptr<ChildProcess> process_;
  int port_;
  std::string log_;
};

// nginx's configuration for one worker on `port`, serving `docroot`, with
// connections enough for `max_connections`.
std::string NginxConfig(const std::string& dir, int port,
                        const std::string& docroot, int max_connections);

}  // namespace wasp::scale

#endif  // WASP_TOOLS_BENCH_SCALE_SERVERS_H_
