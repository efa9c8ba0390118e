// How a virtine's writable memory returns to a snapshot. The snapshot's
// memory is a SnapshotImage shared by every virtine restored from it; a
// reset copies pages back from there. Its cost is bounded by the writable
// region (code and read-only data are mapped read-only and never need one),
// never by the image. Which strategy is cheaper depends on the machine: see
// docs/performance.md.
#ifndef WASP_ENGINE_RESET_STRATEGY_H_
#define WASP_ENGINE_RESET_STRATEGY_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "engine/guest_memory.h"
#include "engine/kvm/vm.h"
#include "engine/page_set.h"
#include "engine/snapshot_image.h"

namespace wasp {

enum class ResetKind {
  kAuto,      // dirty log with manual protection, else copy small regions
  kCopy,      // copy the whole writable region back
  kDirtyLog,  // copy back the pages KVM logged as written
  kNone,      // never: the virtine runs once, so nothing is kept to reset to
};

class ResetStrategy {
 public:
  virtual ~ResetStrategy() = default;

  // Makes `image`, which holds what `memory` holds now, the state to return
  // to, and forgets every write made before (the host's included). kNone
  // takes no image (nullptr).
  virtual absl::Status Capture(GuestMemory& memory,
                               std::shared_ptr<const SnapshotImage> image) = 0;
  // Returns the writable region to the image and forgets its writes.
  virtual absl::Status Restore(GuestMemory& memory) = 0;
  // The pages that may differ from the image: written by the guest or the
  // host since the last Capture or Restore; every page of the writable
  // region where the strategy cannot tell. Asking forgets nothing: the next
  // Restore still returns them.
  virtual absl::StatusOr<PageSet> WrittenPages(const GuestMemory& memory) = 0;
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
