// The servers the benchmarks compare: wasp-server (virtine, none, process)
// and nginx, pinned to their CPUs, found through the ready file
// (wasp-server) or the port (nginx), never a log line.
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
  int cpu = 0;                  // -1: not pinned
  int pool = 64;                // 0: wasp-server's default
  int max_connections = 20000;  // 0: wasp-server's default
  // Names the log and ready files in work_dir (default: config), so that
  // several servers of one config can share the directory.
  std::string name;
  std::string app = "http";  // wasp-server's --app; nginx serves HTTP only
  int workers = 1;
  // CPUs as a list ("0,1"), set with taskset; overrides `cpu` when given.
  std::string cpus;
  std::vector<std::string> extra_flags;  // more wasp-server flags
  std::vector<std::string> env;          // NAME=VALUE for wasp-server
};

class Server final {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerSpec& spec);

  int port() const { return port_; }
  // The metrics port; -1 for nginx and a wasp-server without --admin_port.
  int admin_port() const { return admin_port_; }
  bool Running() const { return process_->Running(); }
  // The server and its children (nginx's workers, process isolation's
  // connections).
  std::vector<pid_t> ServingPids() const;
  std::string Log() const { return ReadFile(log_); }

 private:
  static absl::StatusOr<std::unique_ptr<Server>> StartNginx(
      const ServerSpec& spec, const std::string& name, const std::string& log);
  Server(std::unique_ptr<ChildProcess> process, int port, int admin_port,
         std::string log)
      : process_(std::move(process)),
        port_(port),
        admin_port_(admin_port),
        log_(std::move(log)) {}

  std::unique_ptr<ChildProcess> process_;
  int port_;
  int admin_port_;
  std::string log_;
};

// nginx's configuration for `workers` workers on `port`, serving `docroot`,
// with connections enough for `max_connections`.
std::string NginxConfig(const std::string& dir, int port,
                        const std::string& docroot, int max_connections,
                        int workers = 1);

}  // namespace wasp::scale

#endif  // WASP_TOOLS_BENCH_SCALE_SERVERS_H_
