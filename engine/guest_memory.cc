#include "engine/guest_memory.h"

#include <sys/mman.h>

#include <cerrno>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace wasp {
namespace {

constexpr uint64_t kMaxBytes = uint64_t{1} << 40;

absl::StatusOr<uint64_t> WholePages(uint64_t bytes) {
  if (bytes == 0 || bytes > kMaxBytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "guest memory of %u bytes: must be 1 byte to 1 TiB", bytes));
  }
  return (bytes + kPageSize - 1) & ~(kPageSize - 1);
}

// What to do when the process may map no more memory.
const char* OutOfMemoryHint(int err) {
  return err == ENOMEM
             ? "the process may map no more memory: fewer or smaller "
               "virtines (--pool, --mem), or a higher limit (ulimit -v, "
               "the service's MemoryMax)"
             : "";
}

}  // namespace

absl::StatusOr<GuestMemory> GuestMemory::Allocate(uint64_t bytes) {
  ASSIGN_OR_RETURN(uint64_t size, WholePages(bytes));
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr == MAP_FAILED) {
    return ErrnoError(absl::StrFormat("mmap of %u bytes of guest memory", size),
                      errno, OutOfMemoryHint(errno));
  }
  return GuestMemory(Mapping(addr, size));
}

absl::StatusOr<GuestMemory> GuestMemory::MapPrivate(int fd, uint64_t bytes) {
  ASSIGN_OR_RETURN(uint64_t size, WholePages(bytes));
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_NORESERVE, fd, 0);
  if (addr == MAP_FAILED) {
    return ErrnoError(
        absl::StrFormat("mmap (copy-on-write) of %u bytes of a snapshot image",
                        size),
        errno,
        errno == ENOMEM ? OutOfMemoryHint(errno)
                        : "is the file that large, and open for reading?");
  }
  return GuestMemory(Mapping(addr, size));
}

absl::StatusOr<absl::Span<const uint8_t>> GuestMemory::Translate(
    uint64_t address, uint64_t length) const {
  if (!Contains(address, length)) {
    return absl::OutOfRangeError(absl::StrFormat(
        "guest range [%#x, +%#x) leaves guest memory of %#x bytes", address,
        length, size()));
  }
  return absl::Span<const uint8_t>(host_base() + address, length);
}

absl::StatusOr<absl::Span<uint8_t>> GuestMemory::TranslateForWrite(
    uint64_t address, uint64_t length) {
  ASSIGN_OR_RETURN(absl::Span<const uint8_t> range, Translate(address, length));
  host_writes_.Add(address, length);
  return absl::Span<uint8_t>(host_base() + address, range.size());
}

absl::StatusOr<absl::Span<uint8_t>> GuestMemory::TranslateGuestBuffer(
    uint64_t address, uint64_t length, const WritableRegion& writable) {
  if (length > 0 && (address < writable.start || address > writable.end ||
                     length > writable.end - address)) {
    return absl::OutOfRangeError(absl::StrFormat(
        "guest buffer [%#x, +%#x) is not in writable memory [%#x, %#x)",
        address, length, writable.start, writable.end));
  }
  return TranslateForWrite(address, length);
}

absl::Status GuestMemory::Write(uint64_t address,
                                absl::Span<const uint8_t> bytes) {
  ASSIGN_OR_RETURN(absl::Span<uint8_t> range,
                   TranslateForWrite(address, bytes.size()));
  if (!bytes.empty()) std::memcpy(range.data(), bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::Status GuestMemory::Read(uint64_t address,
                               absl::Span<uint8_t> out) const {
  ASSIGN_OR_RETURN(absl::Span<const uint8_t> range,
                   Translate(address, out.size()));
  if (!out.empty()) std::memcpy(out.data(), range.data(), out.size());
  return absl::OkStatus();
}

}  // namespace wasp
