#include "engine/snapshot_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace wasp {
namespace {

constexpr int kSeals = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;

// Linux 6.3; glibc 2.38 names it.
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

// The host never executes an image (the guest runs it through KVM), and
// kernels with vm.memfd_noexec=2 refuse memfds that could be executed;
// kernels before 6.3 do not know the flag.
int CreateMemfd() {
  constexpr unsigned kFlags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  int fd = ::memfd_create("wasp-snapshot", kFlags | MFD_NOEXEC_SEAL);
  if (fd < 0 && errno == EINVAL) fd = ::memfd_create("wasp-snapshot", kFlags);
  return fd;
}

bool IsZeroPage(const uint8_t* page) {
  static constexpr uint8_t kZeroPage[kPageSize] = {};
  return std::memcmp(page, kZeroPage, kPageSize) == 0;
}

absl::Status WriteAll(int fd, const uint8_t* data, uint64_t length,
                      uint64_t offset) {
  while (length > 0) {
    ssize_t n = ::pwrite(fd, data, length, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return ErrnoError(
          absl::StrFormat("pwrite of %u bytes at %#x into a snapshot image",
                          length, offset),
          n < 0 ? errno : EIO, "is the host out of memory?");
    }
    data += n;
    length -= static_cast<uint64_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

// Writes every run of pages that are not all zeros: a fresh memfd reads as
// zeros already, and holes cost no memory until something maps them.
absl::Status CopyNonZeroPages(const GuestMemory& memory, int fd) {
  const uint8_t* base = memory.host_base();
  uint64_t run_start = 0;
  bool in_run = false;
  for (uint64_t page = 0; page <= memory.size(); page += kPageSize) {
    bool data = page < memory.size() && !IsZeroPage(base + page);
    if (data && !in_run) run_start = page;
    if (!data && in_run) {
      RETURN_IF_ERROR(
          WriteAll(fd, base + run_start, page - run_start, run_start));
    }
    in_run = data;
  }
  return absl::OkStatus();
}

uint64_t NextId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

SnapshotImage::SnapshotImage(UniqueFd fd, Mapping mapping)
    : id_(NextId()), fd_(std::move(fd)), mapping_(std::move(mapping)) {}

absl::StatusOr<std::shared_ptr<const SnapshotImage>> SnapshotImage::Create(
    const GuestMemory& memory) {
  UniqueFd fd(CreateMemfd());
  if (!fd.valid()) {
    return ErrnoError("memfd_create for a snapshot image", errno,
                      "is the process out of file descriptors? see ulimit -n");
  }
  if (::ftruncate(fd.get(), static_cast<off_t>(memory.size())) < 0) {
    return ErrnoError(
        absl::StrFormat("ftruncate of a snapshot image to %#x bytes",
                        memory.size()),
        errno);
  }
  RETURN_IF_ERROR(CopyNonZeroPages(memory, fd.get()));
  // Sealed before any mapping exists, so no one can ever change it.
  if (::fcntl(fd.get(), F_ADD_SEALS, kSeals) < 0) {
    return ErrnoError("fcntl(F_ADD_SEALS) on a snapshot image", errno);
  }
  void* addr =
      ::mmap(nullptr, memory.size(), PROT_READ, MAP_SHARED, fd.get(), 0);
  if (addr == MAP_FAILED) {
    return ErrnoError(
        absl::StrFormat("mmap of a snapshot image of %#x bytes", memory.size()),
        errno);
  }
  Mapping mapping(addr, memory.size());
  return std::shared_ptr<const SnapshotImage>(
      new SnapshotImage(std::move(fd), std::move(mapping)));
}

absl::StatusOr<GuestMemory> SnapshotImage::MapCopyOnWrite() const {
  return GuestMemory::MapPrivate(fd_.get(), size());
}

}  // namespace wasp
