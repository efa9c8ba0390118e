// A virtine's RAM and the one place where guest addresses become host
// pointers. Every host access to guest memory goes through Translate() to
// read or TranslateForWrite() to write, which refuse any range that leaves
// the allocation (including overflow). Host writes are recorded page by
// page as they are handed out, so that a reset undoes them without the
// writer having to remember to say so.
#ifndef WASP_ENGINE_GUEST_MEMORY_H_
#define WASP_ENGINE_GUEST_MEMORY_H_

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/unique_fd.h"
#include "engine/page_set.h"

namespace wasp {

// [start, end) of guest memory the guest can write; page-aligned.
struct WritableRegion {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - start; }
};

class GuestMemory final {
 public:
  // Page-aligned, zero-filled, lazily backed memory of at least `bytes`.
  static absl::StatusOr<GuestMemory> Allocate(uint64_t bytes);
  // Copy-on-write memory over the first `bytes` (whole pages) of the file
  // `fd`, a snapshot image: a page stays the file's page-cache page, shared
  // with every other mapping of it, until it is first written.
  static absl::StatusOr<GuestMemory> MapPrivate(int fd, uint64_t bytes);

  GuestMemory() = default;
  GuestMemory(GuestMemory&&) = default;
  GuestMemory& operator=(GuestMemory&&) = default;

  uint64_t size() const { return mapping_.size(); }
  // The raw mapping, for KVM's memory slot, the machine's setup and resets:
  // writes through it are not recorded.
  uint8_t* host_base() const { return static_cast<uint8_t*>(mapping_.get()); }

  // [address, address + length) as host memory to read, or OutOfRange.
  absl::StatusOr<absl::Span<const uint8_t>> Translate(uint64_t address,
                                                      uint64_t length) const;
  // The same range to write into; its pages are recorded as host-written
  // now, so write before the next reset (which forgets the record).
  absl::StatusOr<absl::Span<uint8_t>> TranslateForWrite(uint64_t address,
                                                        uint64_t length);
  // TranslateForWrite() of a buffer a guest named (a hypercall's): it must
  // also lie in `writable`, else OutOfRange, so that a guest cannot make the
  // host write what it may not write itself (its code, page tables, the
  // restore page), which no reset would undo. An empty buffer only needs
  // to lie in memory, as for Translate().
  absl::StatusOr<absl::Span<uint8_t>> TranslateGuestBuffer(
      uint64_t address, uint64_t length, const WritableRegion& writable);
  bool Contains(uint64_t address, uint64_t length) const {
    return address <= size() && length <= size() - address;
  }

  // Recorded like TranslateForWrite().
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

  // The pages handed out by TranslateForWrite() or written by Write() since
  // their record was last forgotten.
  const PageSet& host_writes() const { return host_writes_; }
  // Forgets the record of the pages [start, end) touches: a reset returned
  // them to the snapshot.
  void ForgetHostWrites(uint64_t start, uint64_t end) {
    host_writes_.Remove(start, end - start);
  }

 private:
  explicit GuestMemory(Mapping mapping)
      : mapping_(std::move(mapping)), host_writes_(mapping_.size()) {}

  Mapping mapping_;
  PageSet host_writes_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_GUEST_MEMORY_H_
