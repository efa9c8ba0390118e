#include "tools/common/proc_stats.h"

#include <dirent.h>

#include <cerrno>
#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wasp {
namespace {

absl::StatusOr<uint64_t> SumKiB(const std::vector<pid_t>& pids,
                                const char* file, absl::string_view field) {
  uint64_t total = 0;
  for (pid_t pid : pids) {
    absl::StatusOr<uint64_t> kib =
        ProcKiB(absl::StrCat("/proc/", pid, "/", file), field);
    if (!kib.ok()) return kib.status();
    total += *kib;
  }
  return total;
}

}  // namespace

absl::StatusOr<uint64_t> ProcKiB(const std::string& path,
                                 absl::string_view field) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  while (std::getline(file, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, field) ||
        !absl::ConsumePrefix(&rest, ":")) {
      continue;
    }
    rest = absl::StripAsciiWhitespace(rest);
    if (!absl::ConsumeSuffix(&rest, "kB")) break;
    uint64_t value;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &value)) {
      return value;
    }
    break;
  }
  return absl::NotFoundError(absl::StrCat("no ", field, " in kB in ", path));
}

absl::StatusOr<uint64_t> ResidentKiB(const std::vector<pid_t>& pids) {
  return SumKiB(pids, "status", "VmRSS");
}

absl::StatusOr<uint64_t> ProportionalKiB(const std::vector<pid_t>& pids) {
  return SumKiB(pids, "smaps_rollup", "Pss");
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = ::readdir(proc)) {
    pid_t pid;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)),
                     std::istreambuf_iterator<char>());
    // pid (comm) state ppid ...: comm may hold spaces, so from the last ')'.
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields =
        absl::StrSplit(text.substr(close + 2), ' ');
    pid_t ppid;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &ppid) &&
        ppid == parent) {
      children.push_back(pid);
    }
  }
  ::closedir(proc);
  return children;
}

absl::StatusOr<uint64_t> OpenFdCount(pid_t pid) {
  std::string path = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return absl::ErrnoToStatus(errno, "opendir " + path);
  uint64_t count = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}

}  // namespace wasp
