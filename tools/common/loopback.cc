#include "tools/common/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace wasp {

absl::StatusOr<UniqueFd> ConnectLoopback(int port, int receive_buffer) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "socket");
  if (receive_buffer > 0 &&
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                   sizeof receive_buffer) != 0) {
    return absl::ErrnoToStatus(errno, "setsockopt SO_RCVBUF");
  }
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address),
                sizeof address) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("connect to port ", port));
  }
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace wasp
