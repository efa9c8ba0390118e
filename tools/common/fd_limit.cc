#include "tools/common/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "absl/strings/str_cat.h"

namespace wasp {
namespace {

constexpr uint64_t kSpareDescriptors = 64;

// fs.nr_open, the most any process may have; no ceiling if unreadable.
uint64_t NrOpen() {
  std::ifstream file("/proc/sys/fs/nr_open");
  uint64_t value = 0;
  if (file >> value && value > 0) return value;
  return std::numeric_limits<uint64_t>::max();
}

std::string LimitText(uint64_t limit) {
  return limit == RLIM_INFINITY ? "unlimited" : absl::StrCat(limit);
}

}  // namespace

uint64_t DescriptorsForRun(int connections, int threads) {
  return static_cast<uint64_t>(connections) + static_cast<uint64_t>(threads) +
         kSpareDescriptors;
}

std::optional<FdLimit> FittingLimit(uint64_t needed, FdLimit current,
                                    uint64_t ceiling) {
  if (needed <= current.soft) return current;
  if (needed > ceiling) return std::nullopt;
  FdLimit wanted = {.soft = needed, .hard = current.hard};
  if (current.hard < needed) wanted.hard = needed;
  return wanted;
}

absl::Status RaiseDescriptorLimit(uint64_t needed) {
  rlimit current;
  if (getrlimit(RLIMIT_NOFILE, &current) != 0) {
    return absl::ErrnoToStatus(errno, "getrlimit(RLIMIT_NOFILE) failed");
  }
  uint64_t ceiling = NrOpen();
  std::optional<FdLimit> wanted =
      FittingLimit(needed, {current.rlim_cur, current.rlim_max}, ceiling);
  if (!wanted.has_value()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "needs ", needed, " file descriptors, more than fs.nr_open (", ceiling,
        ") lets any process open; raise it with `sysctl fs.nr_open=", needed,
        "` as root"));
  }
  if (wanted->soft == current.rlim_cur) return absl::OkStatus();
  rlimit raised = {.rlim_cur = wanted->soft, .rlim_max = wanted->hard};
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return absl::OkStatus();
  int err = errno;
  return absl::ResourceExhaustedError(absl::StrCat(
      "needs ", needed, " file descriptors, but RLIMIT_NOFILE is ",
      LimitText(current.rlim_cur), " (hard limit ", LimitText(current.rlim_max),
      ") and raising it failed (", std::strerror(err),
      ": raising the hard limit needs root with CAP_SYS_RESOURCE); run `ulimit "
      "-n ",
      needed,
      "` first (as root, or after raising the hard limit in "
      "/etc/security/limits.conf)"));
}

absl::Status FitDescriptorLimit(int connections, int threads) {
  absl::Status status =
      RaiseDescriptorLimit(DescriptorsForRun(connections, threads));
  if (status.ok()) return status;
  return absl::Status(
      status.code(),
      absl::StrCat("--connections=", connections, " ", status.message(),
                   ", or give fewer --connections"));
}

}  // namespace wasp
