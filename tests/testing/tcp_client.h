// A small blocking TCP client for end-to-end tests of servers on loopback.
#ifndef WASP_TESTS_TESTING_TCP_CLIENT_H_
#define WASP_TESTS_TESTING_TCP_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"

namespace wasp::testing {

class TcpClient {
 public:
  // To 127.0.0.1, or to `host` (an IPv4 or IPv6 address).
  static absl::StatusOr<TcpClient> Connect(
      int port, absl::Duration timeout = absl::Seconds(10));
  static absl::StatusOr<TcpClient> ConnectTo(
      const std::string& host, int port,
      absl::Duration timeout = absl::Seconds(10));
  // An IPv4 socket not connected yet, and its connect to 127.0.0.1: for
  // tests that must hold the descriptor before the connection exists.
  static absl::StatusOr<TcpClient> Open(
      absl::Duration timeout = absl::Seconds(10));
  absl::Status ConnectLoopback(int port);
  absl::Status Send(const std::string& data);
  // Up to `max` bytes; "" at end of stream; an error on timeout.
  absl::StatusOr<std::string> Receive(size_t max = 65536);
  // Exactly `length` bytes (or an error).
  absl::StatusOr<std::string> ReceiveExactly(size_t length);
  // Everything until the peer closes.
  absl::StatusOr<std::string> ReceiveAll();
  // Whether the peer closed (or reset) within `within`.
  bool ClosedWithin(absl::Duration within);
  void ShutdownWrite();
  int fd() const { return fd_.get(); }

 private:
  explicit TcpClient(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_TCP_CLIENT_H_
