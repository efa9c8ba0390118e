// What /proc says about a process a tool watches: its memory, its open
// descriptors, its children.
#ifndef WASP_TOOLS_COMMON_PROC_STATS_H_
#define WASP_TOOLS_COMMON_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasp {

// A "Name:  N kB" field of a /proc file (VmRSS of status, Pss of
// smaps_rollup), in KiB.
absl::StatusOr<uint64_t> ProcKiB(const std::string& path,
                                 absl::string_view field);
// Summed over `pids`.
absl::StatusOr<uint64_t> ResidentKiB(const std::vector<pid_t>& pids);
absl::StatusOr<uint64_t> ProportionalKiB(const std::vector<pid_t>& pids);
// The processes whose parent is `parent` (nginx's workers).
std::vector<pid_t> ChildrenOf(pid_t parent);
// The entries of /proc/PID/fd.
absl::StatusOr<uint64_t> OpenFdCount(pid_t pid);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_PROC_STATS_H_
