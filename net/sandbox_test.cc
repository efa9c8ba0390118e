// Each case confines a forked child and reports what the confined child
// could do through its exit status: the filter is irreversible, so the
// test process itself stays free.
#include "net/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace wasp {
namespace {

// Runs `body` in a child after `confine`; the child's wait status. The
// child leaves with _exit, so no sanitizer's exit-time work runs in it.
int RunIn(absl::Status (*confine)(), const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!confine().ok()) _exit(100);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int RunConfined(const std::function<int()>& body) {
  return RunIn(ConfineServingProcess, body);
}

// The seccomp filter alone, which sanitizer builds do not install when
// serving: tested in every build.
absl::Status NoNewPrivsAndFilter() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::InternalError("PR_SET_NO_NEW_PRIVS");
  }
  return InstallSeccompFilter();
}

int RunFiltered(const std::function<int()>& body) {
  return RunIn(NoNewPrivsAndFilter, body);
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The line of /proc/self/status that starts with `key`.
std::string StatusLine(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, key)) return line;
  }
  return "";
}

TEST(SandboxTest, ServingCallsStillWork) {
  int status = RunConfined([] {
    int wake = eventfd(0, EFD_CLOEXEC);  // as a worker's wake-up descriptor
    if (wake < 0) return 1;
    uint64_t one = 1;
    if (write(wake, &one, sizeof one) != sizeof one ||
        read(wake, &one, sizeof one) != sizeof one) {
      return 2;
    }
    int file = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (file < 0) return 3;
    close(file);
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || munmap(page, 4096) != 0) return 4;
    return 0;
  });
  EXPECT_EQ(ExitCode(status), 0);
}

TEST(SandboxTest, NoPrivilegesNoCapabilitiesAndAFilter) {
  int status = RunConfined([] {
    if (StatusLine("NoNewPrivs:") != "NoNewPrivs:\t1") return 1;
    if (StatusLine("CapEff:") != "CapEff:\t0000000000000000") return 2;
    if (StatusLine("CapBnd:") != "CapBnd:\t0000000000000000") return 3;
    bool filtered = StatusLine("Seccomp:") == "Seccomp:\t2";
    return filtered == SeccompInThisBuild() ? 0 : 4;
  });
  EXPECT_EQ(ExitCode(status), 0);
}

TEST(SandboxTest, FilesOpenOnlyForReading) {
  std::string path = ::testing::TempDir() + "/sandbox-write";
  int status = RunFiltered([&] {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    return fd < 0 && errno == EACCES ? 0 : 1;
  });
  EXPECT_EQ(ExitCode(status), 0);
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "the file was created";
}

TEST(SandboxTest, OtherCallsFailWithEperm) {
  int status = RunFiltered([] {
    char buffer[256];
    return syscall(SYS_getcwd, buffer, sizeof buffer) < 0 && errno == EPERM ? 0
                                                                            : 1;
  });
  EXPECT_EQ(ExitCode(status), 0);
}

TEST(SandboxTest, WhatOnlyAnAttackerNeedsKillsTheProcess) {
  for (auto attack : std::vector<std::function<int()>>{
           [] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; },
           [] {
             char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
             return execv("/bin/true", argv);
           },
           [] { return static_cast<int>(syscall(SYS_ptrace, 0, 0, 0, 0)); },
           [] { return unshare(CLONE_NEWUSER); },
       }) {
    int status = RunFiltered(attack);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << ExitCode(status);
    EXPECT_EQ(WTERMSIG(status), SIGSYS);
  }
}

}  // namespace
}  // namespace wasp
