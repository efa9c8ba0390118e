#include "net/sandbox.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wasp {
namespace {

// A request's system calls, tested first: the filter runs on every call.
constexpr int kHot[] = {
    SYS_io_uring_enter, SYS_sendmsg, SYS_recvfrom, SYS_sendto, SYS_futex,
};

// What a worker, the admin thread, the watchdog and process-isolation
// children do once serving: I/O on descriptors they hold, memory, KVM
// ioctls, threads, signals, time.
constexpr int kAllowed[] = {
    SYS_read,
    SYS_write,
    SYS_readv,
    SYS_writev,
    SYS_pread64,
    SYS_pwrite64,
    SYS_close,
    SYS_close_range,
    SYS_fstat,
    SYS_newfstatat,
    SYS_statx,
    SYS_lseek,
    SYS_fcntl,
    SYS_dup,
    SYS_dup3,
    SYS_mmap,
    SYS_munmap,
    SYS_mprotect,
    SYS_madvise,
    SYS_mremap,
    SYS_brk,
    SYS_memfd_create,
    SYS_ftruncate,
    SYS_fallocate,
    SYS_io_uring_enter,
    SYS_io_uring_register,
    SYS_eventfd2,
    SYS_accept4,
    SYS_recvfrom,
    SYS_recvmsg,
    SYS_sendto,
    SYS_sendmsg,
    SYS_shutdown,
    SYS_setsockopt,
    SYS_getsockopt,
    SYS_getsockname,
    SYS_getpeername,
    SYS_poll,
    SYS_ppoll,
    SYS_futex,
    SYS_sched_yield,
    SYS_sched_getaffinity,
    SYS_sched_setaffinity,
    SYS_nanosleep,
    SYS_clock_nanosleep,
    SYS_clock_gettime,
    SYS_clock_getres,
    SYS_gettimeofday,
    SYS_rt_sigaction,
    SYS_rt_sigprocmask,
    SYS_rt_sigreturn,
    SYS_rt_sigtimedwait,
    SYS_sigaltstack,
    SYS_tgkill,
    SYS_kill,
    SYS_pidfd_open,
    SYS_pidfd_send_signal,
    SYS_waitid,
    SYS_wait4,
    SYS_getpid,
    SYS_gettid,
    SYS_getppid,
    SYS_clone,
    SYS_clone3,
    SYS_set_robust_list,
    SYS_rseq,
    SYS_prctl,
    SYS_setitimer,
    SYS_getitimer,
    SYS_exit,
    SYS_exit_group,
    SYS_restart_syscall,
    SYS_getrandom,
    SYS_uname,
    SYS_sysinfo,
    SYS_getrusage,
    SYS_times,
    SYS_getuid,
    SYS_geteuid,
    SYS_getgid,
    SYS_getegid,
};

// What only an attacker would call here: the process dies at once.
constexpr int kKilled[] = {
    SYS_execve,
    SYS_execveat,
    SYS_ptrace,
    SYS_process_vm_readv,
    SYS_process_vm_writev,
    SYS_socket,
    SYS_socketpair,
    SYS_connect,
    SYS_bind,
    SYS_listen,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_chroot,
    SYS_unshare,
    SYS_setns,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_userfaultfd,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_setuid,
    SYS_setgid,
    SYS_setreuid,
    SYS_setregid,
    SYS_setresuid,
    SYS_setresgid,
    SYS_setgroups,
    SYS_personality,
    SYS_iopl,
    SYS_ioperm,
    SYS_modify_ldt,
    SYS_reboot,
    SYS_swapon,
    SYS_swapoff,
    SYS_acct,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_adjtimex,
    SYS_mknod,
    SYS_mknodat,
    SYS_symlink,
    SYS_symlinkat,
    SYS_link,
    SYS_linkat,
    SYS_fanotify_init,
    SYS_lookup_dcookie,
    SYS_move_pages,
    SYS_mbind,
    SYS_vhangup,
    SYS_quotactl,
};

// open/openat flags that would write or create: refused.
constexpr unsigned kWritingOpenFlags =
    O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE;

constexpr unsigned kX32SyscallBit = 0x40000000;

using Program = std::vector<sock_filter>;

void Return(Program& p, unsigned action) {
  p.push_back(BPF_STMT(BPF_RET | BPF_K, action));
}

// if (nr == number) return action;
void ReturnIf(Program& p, int number, unsigned action) {
  p.push_back(
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(number), 0, 1));
  Return(p, action);
}

void LoadField(Program& p, size_t offset) {
  p.push_back(
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<unsigned>(offset)));
}

// openat(dirfd, path, flags): allowed only without a writing flag.
void ReadOnlyOpenat(Program& p) {
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 4));
  LoadField(p, offsetof(seccomp_data, args[2]));  // low 32 bits of flags
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kWritingOpenFlags, 0, 1));
  Return(p, SECCOMP_RET_ERRNO | EACCES);
  Return(p, SECCOMP_RET_ALLOW);
}

// ioctl(fd, request): TIOCSTI would type into the controlling terminal.
void NoTerminalInjection(Program& p) {
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 4));
  LoadField(p, offsetof(seccomp_data, args[1]));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 0, 1));
  Return(p, SECCOMP_RET_KILL_PROCESS);
  Return(p, SECCOMP_RET_ALLOW);
}

Program Filter() {
  Program p;
  LoadField(p, offsetof(seccomp_data, arch));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  Return(p, SECCOMP_RET_KILL_PROCESS);
  LoadField(p, offsetof(seccomp_data, nr));
  p.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, kX32SyscallBit, 0, 1));
  Return(p, SECCOMP_RET_KILL_PROCESS);
  NoTerminalInjection(p);  // ioctl: KVM_RUN, the hottest call of all
  for (int number : kHot) ReturnIf(p, number, SECCOMP_RET_ALLOW);
  for (int number : kKilled) ReturnIf(p, number, SECCOMP_RET_KILL_PROCESS);
  ReadOnlyOpenat(p);
  for (int number : kAllowed) ReturnIf(p, number, SECCOMP_RET_ALLOW);
  Return(p, SECCOMP_RET_ERRNO | EPERM);
  return p;
}

absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(
      "cannot confine the server: ", what, " failed: ", strerror(errno),
      "; run without --sandbox only if this kernel lacks the feature"));
}

absl::Status DropCapabilities() {
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    // EINVAL: a capability this kernel does not know.
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL &&
        errno != EPERM) {
      return Errno("PR_CAPBSET_DROP");
    }
  }
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) return Errno("capset");
  return absl::OkStatus();
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

bool SeccompInThisBuild() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return false;
#else
  return true;
#endif
}

absl::Status ConfineServingProcess() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Errno("PR_SET_NO_NEW_PRIVS");
  }
  if (absl::Status status = DropCapabilities(); !status.ok()) return status;
  if (!SeccompInThisBuild()) return absl::OkStatus();
  return InstallSeccompFilter();
}

absl::Status InstallSeccompFilter() {
  Program program = Filter();
  sock_fprog fprog = {static_cast<unsigned short>(program.size()),
                      program.data()};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
              &fprog) != 0) {
    return Errno("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)");
  }
  return absl::OkStatus();
}

}  // namespace wasp
