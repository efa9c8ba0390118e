// RLIMIT_NOFILE raised to fit: wasp-load and wasp-server hold a socket per
// connection, and the usual soft limit (1,024) is far below 10,000.
#ifndef WASP_TOOLS_COMMON_FD_LIMIT_H_
#define WASP_TOOLS_COMMON_FD_LIMIT_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"

namespace wasp {

// A soft and a hard RLIMIT_NOFILE (RLIM_INFINITY stays as it is).
struct FdLimit {
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// Descriptors a run needs: a socket per connection, a ring per thread, stdio
// and a few spare for the runtime.
uint64_t DescriptorsForRun(int connections, int threads);

// The limit to set so that `needed` descriptors fit: `current` if they do;
// else a soft limit of `needed`, and a hard one too if it is lower. nullopt
// when `needed` is above `ceiling` (fs.nr_open), which no process may pass.
std::optional<FdLimit> FittingLimit(uint64_t needed, FdLimit current,
                                    uint64_t ceiling);

// Raises this process's limit so that `needed` descriptors fit: the soft
// limit up to the hard one, and the hard one too when the process may (root,
// CAP_SYS_RESOURCE), up to fs.nr_open. ResourceExhausted, saying what to do,
// when they cannot fit.
absl::Status RaiseDescriptorLimit(uint64_t needed);

// RaiseDescriptorLimit for `connections` over `threads`; the error names
// --connections too.
absl::Status FitDescriptorLimit(int connections, int threads);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_FD_LIMIT_H_
