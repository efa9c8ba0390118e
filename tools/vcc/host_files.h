/*
 * Host files for vcc virtines: the WASP_HC_HOST_* hypercalls
 * (guest/abi/hypercall.h) through which a function marked
 * virtine_whitelist(VIRTINE_ALLOW_* | ...) reaches the host's files with
 * its libc's open/read/write/close/fstat/lseek/isatty/gettimeofday/time/
 * unlink/link, as upstream Wasp's did.
 *
 * Permissions (HostFileHypercalls): each VIRTINE_ALLOW_* bit allows its own
 * calls: OPEN open, READ read, WRITE write (and the console), CLOSE close,
 * FSTAT fstat, LSEEK lseek, ISATTY isatty, GETTIMEOFDAY gettimeofday and
 * time, UNLINK unlink, LINK link. EXIT and SBRK need no host (exit and the
 * heap are the guest's own) and TIMES is not served. A function without
 * virtine_whitelist gets none of them, only the console: unlike upstream,
 * which allowed everything. A call without its permission returns -EPERM
 * (errno EPERM, -1 in the guest's libc).
 *
 * Descriptors (CallFiles): a call may use only the descriptors it was given
 * (the values of the function's `int` parameters in this call, whether or
 * not the caller meant them as descriptors) and those it opened itself in
 * this call; any other gets -EBADF, and so do 1 and 2, which in a virtine
 * always mean the console. Files are opened with O_CLOEXEC | O_NOCTTY, at
 * most kMaxOpenFiles at a time (-EMFILE). When the call ends, the host
 * closes every descriptor the call opened and did not close: nothing leaks
 * from one call to the next. Closing a given descriptor closes it for the
 * caller too, as a native call would. Calls run on the caller's thread: a
 * read of a socket blocks it (the CPU budget does not run meanwhile).
 *
 * Memory: the host reads guest buffers in the guest's own memory (above
 * the null page and the system area) and writes them (read, fstat,
 * gettimeofday) only where the guest may write and every reset restores;
 * anything else is -EFAULT. A path must end with a NUL
 * within guest memory (else -EFAULT) and within WASP_PATH_MAX bytes (else
 * -ENAMETOOLONG). Paths are the host process's: relative to its working
 * directory, with its permissions; OPEN is not confined to a directory.
 */
#ifndef WASP_TOOLS_VCC_HOST_FILES_H_
#define WASP_TOOLS_VCC_HOST_FILES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "engine/exit.h"
#include "engine/guest_memory.h"
#include "engine/hypercall.h"

namespace wasp::vcc {

// How many files one call may hold open at once.
inline constexpr int kMaxOpenFiles = 64;

// The guest memory one hypercall may use: it reads `memory` above the
// system area of a long-mode virtine and writes only within `writable`,
// which every reset restores (never the guest's code or its system area).
struct GuestAccess {
  GuestMemory& memory;
  WritableRegion writable;
};

// The WASP_HC_HOST_* numbers a VIRTINE_ALLOW_* mask allows; none for a
// function without virtine_whitelist (mask ~0).
std::vector<uint64_t> HostFileHypercalls(uint64_t virtine_allow_mask);

// The descriptors of one virtine call: those it was given and those it
// opened. Closes what it opened and did not close when destroyed.
class CallFiles final {
 public:
  explicit CallFiles(absl::Span<const int32_t> given);
  ~CallFiles();
  CallFiles(const CallFiles&) = delete;
  CallFiles& operator=(const CallFiles&) = delete;

  // Serves one WASP_HC_HOST_* hypercall; returns RAX: >= 0 or -errno.
  int64_t Serve(const GuestAccess& guest, const Hypercall& call);

  // The descriptors the call opened and still holds.
  absl::Span<const int> opened() const { return opened_; }

 private:
  // The descriptor `value` names, if the call may use it.
  std::optional<int> Usable(uint64_t value) const;
  int64_t Open(const GuestAccess& guest, const Hypercall& call);
  int64_t Read(const GuestAccess& guest, const Hypercall& call);
  int64_t Write(const GuestAccess& guest, const Hypercall& call);
  int64_t Close(const Hypercall& call);
  int64_t Fstat(const GuestAccess& guest, const Hypercall& call);
  int64_t Lseek(const Hypercall& call);
  int64_t Isatty(const Hypercall& call);

  absl::InlinedVector<int, 4> given_;
  absl::InlinedVector<int, 4> opened_;
};

// Makes `files` the calling thread's current call for this object's
// lifetime; the handlers serve it. Cache::call runs a virtine, and so its
// hypercall handlers, on the thread that calls it.
class ScopedCallFiles final {
 public:
  explicit ScopedCallFiles(CallFiles* files);
  ~ScopedCallFiles();
  ScopedCallFiles(const ScopedCallFiles&) = delete;
  ScopedCallFiles& operator=(const ScopedCallFiles&) = delete;

 private:
  CallFiles* const previous_;
};

// Registers a handler for every WASP_HC_HOST_* number in `table`. Each
// serves the calling thread's current CallFiles, or returns -EPERM on a
// thread without one.
absl::Status RegisterHostFileHandlers(HypercallTable& table);

}  // namespace wasp::vcc

#endif  // WASP_TOOLS_VCC_HOST_FILES_H_
