#include "net/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"

namespace wasp {
namespace {

// A request's system calls, placed first in the filter (ioctl: KVM_RUN,
// the hottest of all).
constexpr int kHot[] = {
    SCMP_SYS(ioctl),    SCMP_SYS(io_uring_enter), SCMP_SYS(sendmsg),
    SCMP_SYS(recvfrom), SCMP_SYS(sendto),         SCMP_SYS(futex),
};

// What a worker, the admin thread, the watchdog and process-isolation
// children do once serving: I/O on descriptors they hold, memory, KVM
// ioctls, threads, signals, time.
constexpr int kAllowed[] = {
    SCMP_SYS(read),
    SCMP_SYS(write),
    SCMP_SYS(readv),
    SCMP_SYS(writev),
    SCMP_SYS(pread64),
    SCMP_SYS(pwrite64),
    SCMP_SYS(close),
    SCMP_SYS(close_range),
    SCMP_SYS(fstat),
    SCMP_SYS(newfstatat),
    SCMP_SYS(statx),
    SCMP_SYS(lseek),
    SCMP_SYS(fcntl),
    SCMP_SYS(ioctl),  // all but TIOCSTI: NoTerminalInjectionFilter()
    SCMP_SYS(dup),
    SCMP_SYS(dup3),
    SCMP_SYS(mmap),
    SCMP_SYS(munmap),
    SCMP_SYS(mprotect),
    SCMP_SYS(madvise),
    SCMP_SYS(mremap),
    SCMP_SYS(brk),
    SCMP_SYS(memfd_create),
    SCMP_SYS(ftruncate),
    SCMP_SYS(fallocate),
    SCMP_SYS(io_uring_enter),
    SCMP_SYS(io_uring_register),
    SCMP_SYS(eventfd2),
    SCMP_SYS(accept4),
    SCMP_SYS(recvfrom),
    SCMP_SYS(recvmsg),
    SCMP_SYS(sendto),
    SCMP_SYS(sendmsg),
    SCMP_SYS(shutdown),
    SCMP_SYS(setsockopt),
    SCMP_SYS(getsockopt),
    SCMP_SYS(getsockname),
    SCMP_SYS(getpeername),
    SCMP_SYS(poll),
    SCMP_SYS(ppoll),
    SCMP_SYS(futex),
    SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_setaffinity),
    SCMP_SYS(nanosleep),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_getres),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(rt_sigaction),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigtimedwait),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(tgkill),
    SCMP_SYS(kill),
    SCMP_SYS(pidfd_open),
    SCMP_SYS(pidfd_send_signal),
    SCMP_SYS(waitid),
    SCMP_SYS(wait4),
    SCMP_SYS(getpid),
    SCMP_SYS(gettid),
    SCMP_SYS(getppid),
    SCMP_SYS(clone),
    SCMP_SYS(clone3),
    SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq),
    SCMP_SYS(prctl),
    SCMP_SYS(setitimer),
    SCMP_SYS(getitimer),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
    SCMP_SYS(restart_syscall),
    SCMP_SYS(getrandom),
    SCMP_SYS(uname),
    SCMP_SYS(sysinfo),
    SCMP_SYS(getrusage),
    SCMP_SYS(times),
    SCMP_SYS(getuid),
    SCMP_SYS(geteuid),
    SCMP_SYS(getgid),
    SCMP_SYS(getegid),
};

// What only an attacker would call here: the process dies at once.
constexpr int kKilled[] = {
    SCMP_SYS(execve),
    SCMP_SYS(execveat),
    SCMP_SYS(ptrace),
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(socket),
    SCMP_SYS(socketpair),
    SCMP_SYS(connect),
    SCMP_SYS(bind),
    SCMP_SYS(listen),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
    SCMP_SYS(bpf),
    SCMP_SYS(perf_event_open),
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(keyctl),
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(userfaultfd),
    SCMP_SYS(open_by_handle_at),
    SCMP_SYS(name_to_handle_at),
    SCMP_SYS(setuid),
    SCMP_SYS(setgid),
    SCMP_SYS(setreuid),
    SCMP_SYS(setregid),
    SCMP_SYS(setresuid),
    SCMP_SYS(setresgid),
    SCMP_SYS(setgroups),
    SCMP_SYS(personality),
    SCMP_SYS(iopl),
    SCMP_SYS(ioperm),
    SCMP_SYS(modify_ldt),
    SCMP_SYS(reboot),
    SCMP_SYS(swapon),
    SCMP_SYS(swapoff),
    SCMP_SYS(acct),
    SCMP_SYS(settimeofday),
    SCMP_SYS(clock_settime),
    SCMP_SYS(adjtimex),
    SCMP_SYS(mknod),
    SCMP_SYS(mknodat),
    SCMP_SYS(symlink),
    SCMP_SYS(symlinkat),
    SCMP_SYS(link),
    SCMP_SYS(linkat),
    SCMP_SYS(fanotify_init),
    SCMP_SYS(lookup_dcookie),
    SCMP_SYS(move_pages),
    SCMP_SYS(mbind),
    SCMP_SYS(vhangup),
    SCMP_SYS(quotactl),
};

// open/openat flags that would write or create: refused.
constexpr uint64_t kWritingOpenFlags =
    O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE;

// The kernel reads an ioctl request as 32 bits; libseccomp compares all 64.
constexpr uint64_t kLow32Bits = 0xffffffff;

// A filter being built: libseccomp takes its rules and writes the BPF
// program, the architecture and x32 checks included.
struct ReleaseFilter {
  void operator()(scmp_filter_ctx filter) const { seccomp_release(filter); }
};
using Filter = std::unique_ptr<void, ReleaseFilter>;

absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(
      "cannot confine the server: ", what, " failed: ", strerror(errno),
      "; run with --sandbox=false only if this kernel lacks the feature"));
}

absl::Status Failed(absl::string_view call, absl::string_view why) {
  return absl::InternalError(absl::StrCat(
      "cannot confine the server: ", call, " failed: ", why,
      "; the seccomp filter needs Linux 4.14 or newer and libseccomp 2.5 or "
      "newer (libseccomp2); run with --sandbox=false only on a machine "
      "that lacks them"));
}

// libseccomp returns -errno.
absl::Status Failed(absl::string_view call, int rc) {
  return Failed(call, strerror(-rc));
}

std::string SyscallName(int call) {
  std::unique_ptr<char, decltype(&free)> name(
      seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, call), &free);
  return name ? name.get() : absl::StrCat(call);
}

absl::Status Add(scmp_filter_ctx filter, uint32_t action, int call,
                 std::initializer_list<scmp_arg_cmp> args = {}) {
  if (int rc = seccomp_rule_add_array(filter, action, call, args.size(),
                                      args.begin());
      rc != 0) {
    return Failed(absl::StrCat("seccomp_rule_add(", SyscallName(call), ")"),
                  rc);
  }
  return absl::OkStatus();
}

// A filter for x86-64 calls that kills on any other architecture's (int
// 0x80) and on x32's, loaded on every thread. It leaves no_new_privs to
// ConfineServingProcess() and gives the kernel's errno on failure.
absl::StatusOr<Filter> NewFilter(uint32_t default_action) {
  Filter filter(seccomp_init(default_action));
  if (filter == nullptr) {
    return Failed("seccomp_init", "out of memory, or an unknown architecture");
  }
  struct {
    scmp_filter_attr attribute;
    uint32_t value;
    const char* name;
  } attributes[] = {
      {SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS, "ACT_BADARCH"},
      {SCMP_FLTATR_CTL_NNP, 0, "CTL_NNP"},
      {SCMP_FLTATR_CTL_TSYNC, 1, "CTL_TSYNC"},
      {SCMP_FLTATR_API_SYSRAWRC, 1, "API_SYSRAWRC"},
  };
  for (const auto& [attribute, value, name] : attributes) {
    if (int rc = seccomp_attr_set(filter.get(), attribute, value); rc != 0) {
      return Failed(absl::StrCat("seccomp_attr_set(", name, ")"), rc);
    }
  }
  return filter;
}

absl::StatusOr<Filter> ServingFilter() {
  ASSIGN_OR_RETURN(Filter filter, NewFilter(SCMP_ACT_ERRNO(EPERM)));
  for (int call : kAllowed) {
    RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_ALLOW, call));
  }
  for (int call : kKilled) {
    RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_KILL_PROCESS, call));
  }
  // libseccomp's x32 check lets -1 (a tracer's skipped call) through; like
  // every other number with bit 30 set, it kills.
  if (int rc = seccomp_attr_set(filter.get(), SCMP_FLTATR_API_TSKIP, 1)) {
    return Failed("seccomp_attr_set(API_TSKIP)", rc);
  }
  RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_KILL_PROCESS, -1));
  // openat(dirfd, path, flags): allowed without a writing flag, EACCES with
  // any. The rules do not overlap: libseccomp picks between overlapping
  // rules by the order they were added in, and does not promise to keep it.
  RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_ALLOW, SCMP_SYS(openat),
                      {SCMP_A2_64(SCMP_CMP_MASKED_EQ, kWritingOpenFlags, 0)}));
  for (uint64_t bit = 1; bit <= kWritingOpenFlags; bit <<= 1) {
    if ((kWritingOpenFlags & bit) == 0) continue;
    RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat),
                        {SCMP_A2_64(SCMP_CMP_MASKED_EQ, bit, bit)}));
  }
  uint8_t priority = 255;
  for (int call : kHot) {
    if (int rc = seccomp_syscall_priority(filter.get(), call, priority--)) {
      return Failed(
          absl::StrCat("seccomp_syscall_priority(", SyscallName(call), ")"),
          rc);
    }
  }
  return filter;
}

// ioctl(fd, TIOCSTI) would type into the controlling terminal: it kills,
// whatever the request's upper 32 bits. A filter of its own, allowing the
// rest, because libseccomp cannot allow "low 32 bits differ" beside it;
// the kernel takes the strictest answer of all filters.
absl::StatusOr<Filter> NoTerminalInjectionFilter() {
  ASSIGN_OR_RETURN(Filter filter, NewFilter(SCMP_ACT_ALLOW));
  RETURN_IF_ERROR(Add(filter.get(), SCMP_ACT_KILL_PROCESS, SCMP_SYS(ioctl),
                      {SCMP_A1_64(SCMP_CMP_MASKED_EQ, kLow32Bits, TIOCSTI)}));
  return filter;
}

// ESRCH: a thread could not take the filter (TSYNC).
absl::Status Load(scmp_filter_ctx filter) {
  if (int rc = seccomp_load(filter); rc != 0) {
    return Failed("seccomp_load", rc);
  }
  return absl::OkStatus();
}

// No new privileges and no capabilities for the calling thread: the kernel
// keeps both per thread. Async-signal-safe; 0 or the failed call's errno.
int DropThreadPrivileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    // EINVAL: a capability this kernel does not know; EPERM: none to drop.
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL &&
        errno != EPERM) {
      return errno;
    }
  }
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

// The signal that makes a thread drop its own privileges (the CPU budget's
// is SIGRTMIN + 2).
int DropSignal() { return SIGRTMIN + 3; }

std::atomic<int> threads_dropped{0};
std::atomic<int> thread_error{0};

void OnDropSignal(int) {
  int saved = errno;
  if (int error = DropThreadPrivileges(); error != 0) thread_error = error;
  ++threads_dropped;
  errno = saved;
}

// Whether thread `tid` has nothing left to drop: threads started after
// DropPrivileges() inherit that.
bool Unprivileged(pid_t tid) {
  std::ifstream status(absl::StrCat("/proc/self/task/", tid, "/status"));
  int clean = 0;
  for (std::string line; std::getline(status, line);) {
    for (const char* expected :
         {"NoNewPrivs:\t1", "CapPrm:\t0000000000000000",
          "CapEff:\t0000000000000000", "CapBnd:\t0000000000000000"}) {
      if (line == expected) ++clean;
    }
  }
  return clean == 4;
}

// Whether thread `tid` of this process blocks `signal` now.
bool Blocks(pid_t tid, int signal) {
  std::ifstream status(absl::StrCat("/proc/self/task/", tid, "/status"));
  for (std::string line; std::getline(status, line);) {
    uint64_t mask = 0;
    if (absl::StartsWith(line, "SigBlk:") &&
        absl::SimpleHexAtoi(absl::StripAsciiWhitespace(line.substr(7)),
                            &mask)) {
      return (mask >> (signal - 1)) & 1;
    }
  }
  return false;
}

// Whether thread `tid` keeps `signal` blocked: a thread being started
// blocks every signal for a moment, a sanitizer's runtime thread for good.
bool KeepsBlocked(pid_t tid, int signal) {
  for (int i = 0; i < 20 && Blocks(tid, signal); ++i) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  return Blocks(tid, signal);
}

// Whether thread `tid` is a kernel worker in this process (KVM's
// kvm-nx-lpage-recovery, one per VM): PF_USER_WORKER in the flags, field 9
// of its stat. It never runs user code.
bool IsKernelWorker(pid_t tid) {
  constexpr uint64_t kUserWorker = 0x4000;  // PF_USER_WORKER
  std::ifstream file(absl::StrCat("/proc/self/task/", tid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(file)),
                   std::istreambuf_iterator<char>());
  size_t name_end = stat.rfind(')');  // the name may hold spaces
  if (name_end == std::string::npos) return false;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(name_end + 2), ' ');
  uint64_t flags = 0;
  return fields.size() > 6 && absl::SimpleAtoi(fields[6], &flags) &&
         (flags & kUserWorker) != 0;
}

// This process's threads other than the caller.
std::vector<pid_t> OtherThreads() {
  std::vector<pid_t> tids;
  const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return tids;
  while (const dirent* entry = readdir(dir)) {
    pid_t tid = 0;
    if (absl::SimpleAtoi(entry->d_name, &tid) && tid != self) {
      tids.push_back(tid);
    }
  }
  closedir(dir);
  return tids;
}

// Capabilities and no_new_privs belong to each thread. The server's threads
// start after DropPrivileges() and inherit it; any other thread that still
// has privileges (one started earlier) drops its own, in a signal handler, as
// glibc changes the uid of every thread. A thread started meanwhile shows up
// in the next listing. A thread that blocks the signal (a sanitizer's
// runtime) is left, and counted in `blocking`.
absl::Status DropPrivilegesOfEveryThread(int& blocking) {
  if (int error = DropThreadPrivileges(); error != 0) {
    errno = error;
    return Errno("dropping privileges");
  }
  struct sigaction action = {}, previous = {};
  action.sa_handler = OnDropSignal;
  action.sa_flags = SA_RESTART;
  if (sigaction(DropSignal(), &action, &previous) != 0) {
    return Errno("sigaction");
  }
  threads_dropped = 0;
  thread_error = 0;
  blocking = 0;
  std::set<pid_t> seen;
  int signalled = 0;
  absl::Status status;
  for (bool found = true; found && status.ok();) {
    found = false;
    for (pid_t tid : OtherThreads()) {
      if (!seen.insert(tid).second || IsKernelWorker(tid) ||
          Unprivileged(tid)) {
        continue;
      }
      found = true;
      if (KeepsBlocked(tid, DropSignal())) {
        ++blocking;
      } else if (syscall(SYS_tgkill, getpid(), tid, DropSignal()) == 0) {
        ++signalled;
      } else if (errno != ESRCH) {  // ESRCH: it has ended
        status = Errno("tgkill");
      }
    }
    absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (status.ok() && threads_dropped < signalled) {
      if (absl::Now() > deadline) {  // ThreadSanitizer's thread swallows it
        blocking += signalled - threads_dropped;
        signalled = threads_dropped;
        break;
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
  if (status.ok() && thread_error != 0) {
    errno = thread_error;
    status = Errno("dropping a thread's privileges");
  }
  sigaction(DropSignal(), &previous, nullptr);
  return status;
}

}  // namespace

absl::StatusOr<Identity> LookUpIdentity(const std::string& user,
                                        const std::string& group) {
  Identity identity;
  if (const passwd* entry = getpwnam(user.c_str())) {
    identity = {entry->pw_uid, entry->pw_gid};
  } else if (!absl::SimpleAtoi(user, &identity.uid) ||
             !(entry = getpwuid(identity.uid))) {
    return absl::NotFoundError(absl::StrCat(
        "--user=", user, ": no such user (see /etc/passwd, or give a uid)"));
  } else {
    identity.gid = entry->pw_gid;
  }
  if (group.empty()) return identity;
  if (const struct group* entry = getgrnam(group.c_str())) {
    identity.gid = entry->gr_gid;
  } else if (!absl::SimpleAtoi(group, &identity.gid)) {
    return absl::NotFoundError(absl::StrCat(
        "--group=", group, ": no such group (see /etc/group, or give a gid)"));
  }
  return identity;
}

absl::Status SwitchIdentity(const Identity& identity) {
  auto failed = [&](const char* call) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot serve as uid ", identity.uid, " gid ", identity.gid, ": ", call,
        " failed: ", strerror(errno),
        "; --user and --group need the server to be started as root"));
  };
  if (setgroups(1, &identity.gid) != 0) return failed("setgroups");
  if (setresgid(identity.gid, identity.gid, identity.gid) != 0) {
    return failed("setresgid");
  }
  if (setresuid(identity.uid, identity.uid, identity.uid) != 0) {
    return failed("setresuid");
  }
  return absl::OkStatus();
}

// gcc names both sanitizers with a macro; clang 14 names ThreadSanitizer
// only through __has_feature.
bool SeccompInThisBuild() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return false;
#else
  return true;
#endif
#else
  return true;
#endif
}

absl::Status DropPrivileges() {
  if (int error = DropThreadPrivileges(); error != 0) {
    errno = error;
    return Errno("dropping privileges");
  }
  return absl::OkStatus();
}

absl::Status ConfineServingProcess() {
  int blocking = 0;
  RETURN_IF_ERROR(DropPrivilegesOfEveryThread(blocking));
  if (!SeccompInThisBuild()) return absl::OkStatus();
  if (blocking > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot confine the server: ", blocking,
                     " of its threads block signal ", DropSignal(),
                     ", by which each thread drops its privileges"));
  }
  return InstallSeccompFilter();
}

absl::Status InstallSeccompFilter() {
  ASSIGN_OR_RETURN(Filter no_terminal_injection, NoTerminalInjectionFilter());
  ASSIGN_OR_RETURN(Filter serving, ServingFilter());
  // This one first: the serving filter refuses seccomp() itself.
  RETURN_IF_ERROR(Load(no_terminal_injection.get()));
  return Load(serving.get());
}

}  // namespace wasp
