#include "engine/guest_memory.h"

#include <sys/mman.h>

#include <cerrno>

#include "absl/strings/str_format.h"
#include "engine/status_macros.h"

namespace wasp {

absl::StatusOr<GuestMemory> GuestMemory::Allocate(uint64_t bytes) {
  if (bytes == 0 || bytes > (uint64_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "guest memory of %u bytes: must be 1 byte to 1 TiB", bytes));
  }
  uint64_t size = (bytes + kPageSize - 1) & ~(kPageSize - 1);
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr == MAP_FAILED) {
    return ErrnoError(absl::StrFormat("mmap of %u bytes of guest memory", size),
                      errno);
  }
  return GuestMemory(Mapping(addr, size));
}

absl::StatusOr<absl::Span<uint8_t>> GuestMemory::Translate(
    uint64_t address, uint64_t length) const {
  if (!Contains(address, length)) {
    return absl::OutOfRangeError(absl::StrFormat(
        "guest range [%#x, +%#x) leaves guest memory of %#x bytes", address,
        length, size()));
  }
  return absl::Span<uint8_t>(host_base() + address, length);
}

absl::Status GuestMemory::Write(uint64_t address,
                                absl::Span<const uint8_t> bytes) {
  auto range = Translate(address, bytes.size());
  if (!range.ok()) return range.status();
  if (!bytes.empty()) std::memcpy(range->data(), bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::Status GuestMemory::Read(uint64_t address,
                               absl::Span<uint8_t> out) const {
  auto range = Translate(address, out.size());
  if (!range.ok()) return range.status();
  if (!out.empty()) std::memcpy(out.data(), range->data(), out.size());
  return absl::OkStatus();
}

}  // namespace wasp
