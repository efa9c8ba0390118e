#include "tools/common/stop_children.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <initializer_list>

namespace wasp {
namespace {

// Only async-signal-safe calls from here on: raw syscalls, no allocation.

long ParseLong(const char* text) {
  long value = 0;
  for (; *text >= '0' && *text <= '9'; ++text)
    value = value * 10 + (*text - '0');
  return value;
}

// The parent of `pid` from /proc/PID/stat ("pid (comm) state ppid ..."),
// -1 if unreadable.
long ParentOf(const char* pid) {
  char path[64] = "/proc/";
  size_t length = std::strlen(path);
  for (const char* c = pid; *c != '\0' && length < 40; ++c) path[length++] = *c;
  std::memcpy(path + length, "/stat", 6);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char stat[512];
  ssize_t n = ::read(fd, stat, sizeof stat - 1);
  ::close(fd);
  if (n <= 0) return -1;
  stat[n] = '\0';
  const char* after_comm = std::strrchr(stat, ')');
  if (after_comm == nullptr || after_comm[1] == '\0' || after_comm[2] == '\0') {
    return -1;
  }
  return ParseLong(after_comm + 4);  // skips ") S "
}

void TerminateChildren() {
  int dir = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  long self = ::getpid();
  alignas(8) char buffer[8192];
  long n;
  while ((n = ::syscall(SYS_getdents64, dir, buffer, sizeof buffer)) > 0) {
    for (long at = 0; at < n;) {
      auto* entry = reinterpret_cast<dirent64*>(buffer + at);
      at += entry->d_reclen;
      if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
      if (ParentOf(entry->d_name) == self) {
        ::kill(static_cast<pid_t>(ParseLong(entry->d_name)), SIGTERM);
      }
    }
  }
  ::close(dir);
}

void OnSignal(int signal) {
  TerminateChildren();
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

}  // namespace

void StopChildrenOnSignal() {
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::signal(signal, &OnSignal);
}

}  // namespace wasp
