// TCP clients of a server on this machine (127.0.0.1), as tools need them.
#ifndef WASP_TOOLS_COMMON_LOOPBACK_H_
#define WASP_TOOLS_COMMON_LOOPBACK_H_

#include "absl/status/statusor.h"
#include "base/unique_fd.h"

namespace wasp {

// A blocking connection to 127.0.0.1:`port`, with TCP_NODELAY. A
// `receive_buffer` above 0 is set (SO_RCVBUF) before connecting, so that the
// window the client offers is that small.
absl::StatusOr<UniqueFd> ConnectLoopback(int port, int receive_buffer = 0);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_LOOPBACK_H_
