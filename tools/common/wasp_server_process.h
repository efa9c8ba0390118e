// wasp-server as a child process of a tool, found through its ready file
// (never its log).
#ifndef WASP_TOOLS_COMMON_WASP_SERVER_PROCESS_H_
#define WASP_TOOLS_COMMON_WASP_SERVER_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/common/child_process.h"

namespace wasp {

// How long a server may take to serve after it starts.
inline constexpr absl::Duration kServerStartTimeout = absl::Seconds(30);

struct WaspServerProcess {
  std::unique_ptr<ChildProcess> process;
  int port = 0;
  int admin_port = -1;  // -1: started without --admin_port
};

// Starts `argv` (the wasp-server binary and its flags) with
// --ready_file=`ready_file` added, stdout discarded and stderr in `log`, on
// `cpu` (-1: any), and waits until the ready file names its ports.
absl::StatusOr<WaspServerProcess> StartWaspServer(std::vector<std::string> argv,
                                                  const std::string& ready_file,
                                                  const std::string& log,
                                                  int cpu);

// Unavailable: `what` exited, or did not serve within kServerStartTimeout;
// with its log.
absl::Status NotServingError(ChildProcess& process, const std::string& what,
                             const std::string& log);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_WASP_SERVER_PROCESS_H_
