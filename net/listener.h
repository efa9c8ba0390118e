// A listening TCP socket and the thread that accepts on it with io_uring
// (multishot accept), handing each connection to the least loaded worker.
#ifndef WASP_NET_LISTENER_H_
#define WASP_NET_LISTENER_H_

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"
#include "net/worker.h"

namespace wasp {

// Binds `address` (IPv4, or IPv6 with or without brackets) and `port` (0:
// any free port) with a deep backlog; `reuseport`: SO_REUSEPORT, so that
// processes which all ask for it share the port.
absl::StatusOr<UniqueFd> ListenTcp(const std::string& address, int port,
                                   bool reuseport = false);
// The port a socket is bound to.
absl::StatusOr<int> BoundPort(int socket);

class Acceptor final {
 public:
  static absl::StatusOr<std::unique_ptr<Acceptor>> Start(
      UniqueFd listener, std::vector<Worker*> workers);
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Stops accepting and closes the listening socket.
  void Stop();

 private:
  Acceptor(UniqueFd listener, std::vector<Worker*> workers)
      : listener_(std::move(listener)), workers_(std::move(workers)) {}
  // Reports in `ready` whether its ring was made, then serves.
  void Loop(absl::Status* ready, std::latch* started);
  Worker* LeastLoaded() const;

  UniqueFd listener_;
  std::vector<Worker*> workers_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace wasp

#endif  // WASP_NET_LISTENER_H_
