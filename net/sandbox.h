// Confinement of the serving process, once it is set up: if guest code ever
// escaped KVM, or a request compromised a worker, it would find a process
// that can only do what serving needs. Three layers, as systemd's and
// Firecracker's jailers do:
//   - no new privileges (PR_SET_NO_NEW_PRIVS): nothing it executes gains any;
//   - no capabilities: effective, permitted, inheritable and bounding sets
//     are emptied (root keeps its uid, not its powers);
//   - a seccomp filter on every thread, built with libseccomp: the system
//     calls of serving are allowed (files only opened read-only); calls an
//     attacker needs to escalate or reach out (execve, ptrace, socket,
//     connect, mount, bpf, module loading, namespaces, TIOCSTI, ...) kill
//     the process; anything else fails with EPERM.
#ifndef WASP_NET_SANDBOX_H_
#define WASP_NET_SANDBOX_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace wasp {

// The user and group to serve as (--user, --group), looked up at start-up,
// before anything is opened.
struct Identity {
  uid_t uid;
  gid_t gid;
};

// `user` by name or number; `group` likewise, or (empty) the user's group.
absl::StatusOr<Identity> LookUpIdentity(const std::string& user,
                                        const std::string& group);

// Becomes `identity` for good (supplementary groups, gid, uid), after
// /dev/kvm is open and the ports are bound. Needs root (CAP_SETUID/GID).
absl::Status SwitchIdentity(const Identity& identity);

// The first two layers for the calling thread, which threads it starts
// afterwards inherit: the server calls it before starting its threads
// (ServerOptions::before_threads), after an identity switch.
absl::Status DropPrivileges();

// Applies all three layers to the calling process and all its threads.
// Irreversible. Fails (changing nothing it can avoid) if the kernel refuses.
absl::Status ConfineServingProcess();

// False in sanitizer builds, which keep only the first two layers: the
// sanitizers' runtime uses ptrace and more at exit.
bool SeccompInThisBuild();

// The third layer alone, in any build (needs no_new_privs or
// CAP_SYS_ADMIN); ConfineServingProcess() applies it where it can.
absl::Status InstallSeccompFilter();

}  // namespace wasp

#endif  // WASP_NET_SANDBOX_H_
