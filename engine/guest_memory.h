// A virtine's RAM and the one place where guest addresses become host
// pointers. Every host access to guest memory goes through Translate(), which
// refuses any range that leaves the allocation (including overflow).
#ifndef WASP_ENGINE_GUEST_MEMORY_H_
#define WASP_ENGINE_GUEST_MEMORY_H_

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/unique_fd.h"

namespace wasp {

inline constexpr uint64_t kPageSize = 4096;

class GuestMemory final {
 public:
  // Page-aligned, zero-filled, lazily backed memory of at least `bytes`.
  static absl::StatusOr<GuestMemory> Allocate(uint64_t bytes);

  GuestMemory() = default;
  GuestMemory(GuestMemory&&) = default;
  GuestMemory& operator=(GuestMemory&&) = default;

  uint64_t size() const { return mapping_.size(); }
  uint8_t* host_base() const { return static_cast<uint8_t*>(mapping_.get()); }

  // [address, address + length) as host memory, or OutOfRange.
  absl::StatusOr<absl::Span<uint8_t>> Translate(uint64_t address,
                                                uint64_t length) const;
  bool Contains(uint64_t address, uint64_t length) const {
    return address <= size() && length <= size() - address;
  }

  absl::Status Write(uint64_t address, absl::Span<const uint8_t> bytes);
  absl::Status Read(uint64_t address, absl::Span<uint8_t> out) const;

  template <typename T>
  absl::StatusOr<T> ReadValue(uint64_t address) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    auto status =
        Read(address, {reinterpret_cast<uint8_t*>(&value), sizeof(T)});
    if (!status.ok()) return status;
    return value;
  }

 private:
  explicit GuestMemory(Mapping mapping) : mapping_(std::move(mapping)) {}
  Mapping mapping_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_GUEST_MEMORY_H_
