// What wasp-load sends to: `http://HOST[:PORT][/PATH]` or `tcp://HOST:PORT`
// (the echo protocol), and the rule that keeps load on this machine unless
// the user says otherwise.
#ifndef WASP_TOOLS_LOAD_TARGET_H_
#define WASP_TOOLS_LOAD_TARGET_H_

#include <sys/socket.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasp::load {

enum class Protocol { kHttp, kEcho };

struct Target {
  Protocol protocol = Protocol::kHttp;
  std::string host;  // without IPv6 brackets
  int port = 0;
  std::string path;  // "/..." for HTTP, empty for echo

  // "host:port" (IPv6 in brackets), as the Host header wants it.
  std::string Authority() const;
  std::string ToString() const;
};

struct SocketAddress {
  sockaddr_storage storage = {};
  socklen_t length = 0;
  const sockaddr* get() const {
    return reinterpret_cast<const sockaddr*>(&storage);
  }
};

absl::StatusOr<Target> ParseTarget(absl::string_view url);

// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or `localhost`; names are not
// resolved here.
bool IsLoopbackHost(absl::string_view host);
bool IsLoopbackAddress(const sockaddr* address);

// PermissionDenied for a target that is not loopback, unless `allow_remote`.
absl::Status CheckTargetAllowed(const Target& target, bool allow_remote);

// The address to connect to; without `allow_remote` it must be loopback
// after resolution too.
absl::StatusOr<SocketAddress> ResolveTarget(const Target& target,
                                            bool allow_remote);

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_TARGET_H_
