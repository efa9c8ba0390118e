// The network server: a listener with its acceptor, one worker per core,
// and the admin endpoint. What serves a connection (virtine, native,
// process) is decided by the pool factory each worker gets.
#ifndef WASP_NET_SERVER_H_
#define WASP_NET_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/admin.h"
#include "net/listener.h"
#include "net/worker.h"

namespace wasp {

struct ServerOptions {
  std::string listen = "127.0.0.1";  // IPv4, or IPv6 ("::1", "[::]")
  bool reuseport = false;  // share the port with other processes asking so
  int port = 8080;         // 0: any free port
  int admin_port = -1;     // -1: no admin endpoint; 0: any free port
  std::vector<int> cpus;   // one worker per entry, pinned to it
  size_t max_connections = 10000;  // per worker
  size_t queue = 1024;             // per worker
  absl::Duration idle_timeout = absl::Seconds(30);
  bool http_errors = false;
  int access_log = -1;  // where the access log goes (not owned); -1: none
  // Runs once the ports are bound, before the server starts any thread: what
  // it gives up (an identity, capabilities), no thread of the server has.
  std::function<absl::Status()> before_threads;
};

class Server final {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, PoolFactory make_pool);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  std::string Metrics() const;

  // Stops accepting, lets connections in progress finish for up to `grace`,
  // then cuts off the rest. Returns when every worker has stopped.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;

  std::vector<std::unique_ptr<Worker>> workers_;
  // With several workers an acceptor hands connections to the least loaded;
  // a single worker accepts from the listener itself.
  std::unique_ptr<Acceptor> acceptor_;
  UniqueFd listener_;
  std::unique_ptr<AdminServer> admin_;
  int port_ = 0;
  int admin_port_ = -1;
  std::atomic<bool> serving_{true};  // until Shutdown
};

}  // namespace wasp

#endif  // WASP_NET_SERVER_H_
