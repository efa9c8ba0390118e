// One exchange of each kind of traffic the soak sends from its own threads
// (blocking sockets with timeouts), and how it ended.
#ifndef WASP_TOOLS_SOAK_EXCHANGES_H_
#define WASP_TOOLS_SOAK_EXCHANGES_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/soak/traffic.h"

namespace wasp::soak {

struct Exchange {
  Outcome outcome = Outcome::kUnexpected;
  std::string detail;  // what went wrong, when unexpected
};

// The large file's bytes, so that a slow reader can check every one.
std::string LargeFileBody(size_t size);

struct SlowRead {
  std::string path;  // of a file whose body is LargeFileBody(size)
  size_t size = 0;
  size_t chunk = 4096;        // bytes per receive
  absl::Duration pause;       // between receives
  int receive_buffer = 4096;  // SO_RCVBUF: the server's send waits on us
};
// GET of the large file, read `chunk` bytes at a time: ok when every byte
// arrived and matched.
Exchange ReadSlowly(int port, const SlowRead& read);

// Half a request head, then an RST (SO_LINGER 0): expected once sent.
Exchange HalfRequestThenReset(int port);

// A request whose headers pass the limit: expected when answered 431 and
// closed.
Exchange OversizedHeaders(int port);

// "FAULT" or "LOOP" to the hostile app: expected when the connection closes
// with no answer.
Exchange HostileMisbehaves(int port, absl::string_view command);

// A normal request to the hostile app: ok when echoed.
Exchange HostileEcho(int port, const std::string& payload);

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_EXCHANGES_H_
