// Each case confines a forked child and reports what the confined child
// could do through its exit status: the filter is irreversible, so the
// test process itself stays free.
#include "net/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

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

// A thread that runs `body` once `filtered` is set.
struct EarlierThread {
  const std::function<int()>* body;
  std::atomic<bool> running = false;
  std::atomic<bool> filtered = false;
  int result = 101;  // the thread died alone

  static void* Run(void* self) {
    auto* thread = static_cast<EarlierThread*>(self);
    thread->running.store(true);
    while (!thread->filtered.load()) sched_yield();
    thread->result = (*thread->body)();
    return nullptr;
  }
};

// Runs `body` on a thread already running when the filter comes, as the
// server's workers are. A pthread, not a std::thread, whose exit makes a
// virtual call that UBSan cannot check under the filter.
int RunFilteredOnEarlierThread(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    EarlierThread earlier{&body};
    pthread_t thread;
    if (pthread_create(&thread, nullptr, EarlierThread::Run, &earlier) != 0) {
      _exit(102);
    }
    while (!earlier.running.load()) sched_yield();
    if (!NoNewPrivsAndFilter().ok()) _exit(100);
    earlier.filtered.store(true);
    pthread_join(thread, nullptr);
    _exit(earlier.result);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int RunUnconfined(const std::function<int()>& body) {
  return RunIn([] { return absl::OkStatus(); }, body);
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ExpectKilledBySeccomp(int status) {
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << ExitCode(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
}

// The kernel reads these arguments as 32-bit ints and ignores the rest of
// the register; a filter that compares all 64 bits would be fooled.
constexpr uint64_t kUpperHalf = uint64_t{1} << 32;

// The line of /proc/self/status (or another thread's) that starts with
// `key`.
std::string StatusLine(const std::string& key,
                       const std::string& path = "/proc/self/status") {
  std::ifstream status(path);
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

// The thread ids of the two threads below, as they start.
std::atomic<pid_t> waiting_tid = 0;
std::atomic<pid_t> spinning_tid = 0;

// A thread waiting in read() until a byte comes.
void* WaitForAByte(void* fd) {
  waiting_tid = static_cast<pid_t>(syscall(SYS_gettid));
  char byte;
  while (read(*static_cast<int*>(fd), &byte, 1) < 0 && errno == EINTR) {
  }
  return nullptr;
}

// A thread busy until it is told to stop. It naps between checks: under
// ThreadSanitizer a signal waits for the thread's next intercepted call.
void* SpinUntilStopped(void* stop) {
  spinning_tid = static_cast<pid_t>(syscall(SYS_gettid));
  while (!static_cast<std::atomic<bool>*>(stop)->load()) usleep(50);
  return nullptr;
}

// Whether each of `tids` has no_new_privs and no capability.
bool Unprivileged(const std::vector<std::string>& tids) {
  for (const std::string& tid : tids) {
    std::string path = "/proc/self/task/" + tid + "/status";
    if (StatusLine("NoNewPrivs:", path) != "NoNewPrivs:\t1" ||
        StatusLine("CapEff:", path) != "CapEff:\t0000000000000000" ||
        StatusLine("CapPrm:", path) != "CapPrm:\t0000000000000000" ||
        StatusLine("CapBnd:", path) != "CapBnd:\t0000000000000000") {
      return false;
    }
  }
  return true;
}

// Capabilities and no_new_privs belong to each thread: threads already
// running when the server is confined (its workers) lose theirs too, whether
// they run or wait in a system call.
TEST(SandboxTest, EveryThreadLosesItsPrivileges) {
  // ThreadSanitizer holds a signal back until the thread's next call it
  // intercepts, and its own thread swallows it: the handler path cannot be
  // timed there. The server's threads start unprivileged and need no signal
  // (wasp_server_test IsConfinedOnceServing, which runs under TSan too).
  if (const char* sanitizer = getenv("WASP_SANITIZE");
      sanitizer != nullptr && std::string(sanitizer) == "thread") {
    GTEST_SKIP() << "signals are deferred under ThreadSanitizer";
  }
  int status = RunUnconfined([] {
    int pipes[2];
    std::atomic<bool> stop = false;
    pthread_t waiting, spinning;
    if (pipe(pipes) != 0 ||
        pthread_create(&waiting, nullptr, WaitForAByte, &pipes[0]) != 0 ||
        pthread_create(&spinning, nullptr, SpinUntilStopped, &stop) != 0) {
      return 100;
    }
    // Ours only: a sanitizer's runtime may have a thread of its own.
    while (waiting_tid == 0 || spinning_tid == 0) sched_yield();
    std::vector<std::string> tids = {std::to_string(getpid()),
                                     std::to_string(waiting_tid),
                                     std::to_string(spinning_tid)};
    if (!ConfineServingProcess().ok()) return 102;
    int result = Unprivileged(tids) ? 0 : 1;
    stop = true;
    if (write(pipes[1], "x", 1) != 1) return 103;
    pthread_join(waiting, nullptr);
    pthread_join(spinning, nullptr);
    return result;
  });
  EXPECT_EQ(ExitCode(status), 0);
}

TEST(SandboxTest, FilesOpenOnlyForReading) {
  std::string path = ::testing::TempDir() + "/sandbox-write";
  for (uint64_t flags : std::vector<uint64_t>{
           O_WRONLY | O_CREAT, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND,
           O_TMPFILE | O_RDWR, O_WRONLY | O_CREAT | kUpperHalf}) {
    int status = RunFiltered([&] {
      long fd = syscall(SYS_openat, AT_FDCWD, path.c_str(), flags, 0600);
      return fd < 0 && errno == EACCES ? 0 : 1;
    });
    EXPECT_EQ(ExitCode(status), 0) << "flags " << std::hex << flags;
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "the file was created";
  for (uint64_t flags : {uint64_t{O_RDONLY}, O_RDONLY | kUpperHalf}) {
    int status = RunFiltered([&] {
      long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/status",
                        flags | O_CLOEXEC, 0);
      return fd >= 0 ? 0 : 1;
    });
    EXPECT_EQ(ExitCode(status), 0) << "flags " << std::hex << flags;
  }
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
    ExpectKilledBySeccomp(RunFiltered(attack));
  }
}

// TIOCSTI would type into the controlling terminal. On a pipe, so that a
// filter that let it through could not.
TEST(SandboxTest, TerminalInjectionKillsOtherIoctlsWork) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  for (uint64_t request : {uint64_t{TIOCSTI}, TIOCSTI | kUpperHalf}) {
    ExpectKilledBySeccomp(RunFiltered([&] {
      char c = 'x';
      return static_cast<int>(syscall(SYS_ioctl, pipe_fds[0], request, &c));
    }));
  }
  for (uint64_t request : {uint64_t{FIONREAD}, FIONREAD | kUpperHalf}) {
    int status = RunFiltered([&] {
      int unread = -1;
      return syscall(SYS_ioctl, pipe_fds[0], request, &unread) == 0 &&
                     unread == 0
                 ? 0
                 : 1;
    });
    EXPECT_EQ(ExitCode(status), 0) << "request " << std::hex << request;
  }
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

// An x32 call: x86-64's architecture, its number with bit 30 set.
TEST(SandboxTest, X32CallsKill) {
  auto x32_getpid = [] {
    syscall(SYS_getpid | 0x40000000);
    return 0;
  };
  ASSERT_EQ(ExitCode(RunUnconfined(x32_getpid)), 0);
  ExpectKilledBySeccomp(RunFiltered(x32_getpid));
}

// -1, which a tracer writes to skip a call: libseccomp's x32 check lets it
// through, the filter kills it as the rest of that range.
TEST(SandboxTest, CallNumberMinusOneKills) {
  auto minus_one = [] { return syscall(-1) < 0 && errno == ENOSYS ? 0 : 1; };
  ASSERT_EQ(ExitCode(RunUnconfined(minus_one)), 0);
  ExpectKilledBySeccomp(RunFiltered(minus_one));
}

// int 0x80 enters the kernel as i386 (AUDIT_ARCH_I386): getpid is 20 there.
TEST(SandboxTest, AnotherArchitecturesCallsKill) {
  auto i386_getpid = [] {
    long pid = 20;
    asm volatile("int $0x80"
                 : "+a"(pid)
                 :
                 : "memory", "r8", "r9", "r10", "r11");
    return pid == getpid() ? 0 : 1;
  };
  if (ExitCode(RunUnconfined(i386_getpid)) != 0) {
    GTEST_SKIP() << "this kernel runs no i386 calls (IA32 emulation off)";
  }
  ExpectKilledBySeccomp(RunFiltered(i386_getpid));
}

// The filter reaches threads that already run (TSYNC), and a call that
// kills ends the whole process, not the calling thread.
TEST(SandboxTest, EveryThreadIsFilteredAndKillsTheProcess) {
  int status = RunFilteredOnEarlierThread([] {
    char buffer[256];
    return syscall(SYS_getcwd, buffer, sizeof buffer) < 0 && errno == EPERM ? 0
                                                                            : 1;
  });
  EXPECT_EQ(ExitCode(status), 0);
  for (auto attack : std::vector<std::function<int()>>{
           [] { return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; },
           [] { return static_cast<int>(syscall(SYS_getpid | 0x40000000)); },
           [] { return static_cast<int>(syscall(SYS_ioctl, -1, TIOCSTI, 0)); },
       }) {
    ExpectKilledBySeccomp(RunFilteredOnEarlierThread(attack));
  }
}

// Without no_new_privs or CAP_SYS_ADMIN the kernel refuses the filter: the
// status says which call failed and how to serve anyway.
TEST(SandboxTest, ARefusedFilterIsAStatus) {
  int status = RunIn(
      [] {
        __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
        if (syscall(SYS_capset, &header, data) != 0) {
          return absl::InternalError("capset");
        }
        return absl::OkStatus();
      },
      [] {
        absl::Status refused = InstallSeccompFilter();
        if (refused.ok()) return 1;
        if (!absl::StrContains(refused.message(), "seccomp_load failed") ||
            !absl::StrContains(refused.message(), "--sandbox=false")) {
          return 2;
        }
        return StatusLine("Seccomp:") == "Seccomp:\t0" ? 0 : 3;
      });
  EXPECT_EQ(ExitCode(status), 0);
}

}  // namespace
}  // namespace wasp
