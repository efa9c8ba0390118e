// How a virtine's writable memory returns to a snapshot. The cost of a reset
// is bounded by the writable region (code and read-only data are mapped
// read-only and never need one), never by the image. Which strategy is
// cheaper depends on the machine: see docs/performance.md.
#ifndef WASP_ENGINE_RESET_STRATEGY_H_
#define WASP_ENGINE_RESET_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/guest_memory.h"
#include "engine/kvm/vm.h"

namespace wasp {

enum class ResetKind {
  kAuto,      // dirty log with manual protection, else copy small regions
  kCopy,      // copy the whole writable region back
  kDirtyLog,  // copy back the pages KVM logged as written
  kNone,      // never: the virtine runs once, so nothing is kept to reset to
};

// [start, end) of guest memory the guest can write.
struct WritableRegion {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t size() const { return end - start; }
};

class ResetStrategy {
 public:
  virtual ~ResetStrategy() = default;

  // Remembers the region's current contents as the state to return to.
  virtual absl::Status Capture(const GuestMemory& memory) = 0;
  // Returns the region to the captured contents.
  virtual absl::Status Restore(GuestMemory& memory) = 0;
  // Writes the captured contents into another virtine's memory.
  virtual void CopyCaptured(GuestMemory& other) const = 0;
  // The host wrote guest memory itself (KVM does not log host writes).
  virtual void NoteHostWrite(uint64_t address, uint64_t length) = 0;
  virtual ResetKind kind() const = 0;
};

// Without manual dirty-log protection (kernels before 5.8) kAuto copies
// regions up to this size: there every written page costs a fault per run.
inline constexpr uint64_t kAutoCopyLimit = 256 << 10;

// `slot` is the KVM memory slot backing all of `memory` at guest address 0.
absl::StatusOr<std::unique_ptr<ResetStrategy>> MakeResetStrategy(
    ResetKind kind, Vm& vm, uint32_t slot, GuestMemory& memory,
    WritableRegion region);

const char* ResetKindName(ResetKind kind);

}  // namespace wasp

#endif  // WASP_ENGINE_RESET_STRATEGY_H_
