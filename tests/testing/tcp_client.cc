#include "tests/testing/tcp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "base/status_macros.h"

namespace wasp::testing {

absl::StatusOr<TcpClient> TcpClient::Connect(int port, absl::Duration timeout) {
  return ConnectTo("127.0.0.1", port, timeout);
}

absl::StatusOr<TcpClient> TcpClient::ConnectTo(const std::string& host,
                                               int port,
                                               absl::Duration timeout) {
  sockaddr_storage storage = {};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof *v6;
  } else {
    return absl::InvalidArgumentError("not an IP address: " + host);
  }
  UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError("socket", errno);
  timeval tv = absl::ToTimeval(timeout);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) < 0) {
    return ErrnoError("connect", errno);
  }
  return TcpClient(std::move(fd));
}

absl::StatusOr<TcpClient> TcpClient::Open(absl::Duration timeout) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError("socket", errno);
  timeval tv = absl::ToTimeval(timeout);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return TcpClient(std::move(fd));
}

absl::Status TcpClient::ConnectLoopback(int port) {
  sockaddr_in address = {.sin_family = AF_INET,
                         .sin_port = htons(static_cast<uint16_t>(port)),
                         .sin_addr = {.s_addr = htonl(INADDR_LOOPBACK)}};
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&address),
                sizeof address) < 0) {
    return ErrnoError("connect", errno);
  }
  return absl::OkStatus();
}

absl::Status TcpClient::Send(const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    ssize_t n =
        ::send(fd_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError("send", errno);
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TcpClient::Receive(size_t max) {
  std::string buffer(max, '\0');
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buffer.data(), max, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == ECONNRESET) return std::string();
    if (n < 0) return ErrnoError("recv", errno);
    buffer.resize(static_cast<size_t>(n));
    return buffer;
  }
}

absl::StatusOr<std::string> TcpClient::ReceiveExactly(size_t length) {
  std::string out;
  while (out.size() < length) {
    ASSIGN_OR_RETURN(std::string chunk, Receive(length - out.size()));
    if (chunk.empty()) {
      return absl::DataLossError("the server closed the connection early");
    }
    out += chunk;
  }
  return out;
}

absl::StatusOr<std::string> TcpClient::ReceiveAll() {
  std::string out;
  for (;;) {
    ASSIGN_OR_RETURN(std::string chunk, Receive());
    if (chunk.empty()) return out;
    out += chunk;
  }
}

bool TcpClient::ClosedWithin(absl::Duration within) {
  absl::Time deadline = absl::Now() + within;
  while (absl::Now() < deadline) {
    pollfd ready = {.fd = fd_.get(), .events = POLLIN, .revents = 0};
    int left =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (::poll(&ready, 1, std::max(left, 1)) <= 0) continue;
    char byte;
    ssize_t n = ::recv(fd_.get(), &byte, 1, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
  }
  return false;
}

void TcpClient::ShutdownWrite() { ::shutdown(fd_.get(), SHUT_WR); }

}  // namespace wasp::testing
