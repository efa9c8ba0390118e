// A virtine put aside between two hypercalls (hibernated): what it changed
// since its snapshot, held in host memory, so that its VM can serve others
// meanwhile. Virtine::park() makes one, Virtine::unpark() resumes it in any
// virtine of the same snapshot.
#ifndef WASP_ENGINE_PARKED_VIRTINE_H_
#define WASP_ENGINE_PARKED_VIRTINE_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/call.h"
#include "engine/guest_memory.h"
#include "engine/page_set.h"
#include "engine/snapshot.h"
#include "engine/snapshot_image.h"

namespace wasp {

class ParkedVirtine final {
 public:
  // Keeps the pages of `region` among `written` whose contents differ from
  // `image`'s (the others are the snapshot's), with the vCPU and the call
  // state.
  static absl::StatusOr<ParkedVirtine> Save(const SnapshotImage& image,
                                            const GuestMemory& memory,
                                            const PageSet& written,
                                            WritableRegion region, CpuState cpu,
                                            CallChannel call);

  ParkedVirtine(ParkedVirtine&&) = default;
  ParkedVirtine& operator=(ParkedVirtine&&) = default;
  ParkedVirtine(const ParkedVirtine&) = delete;
  ParkedVirtine& operator=(const ParkedVirtine&) = delete;

  // Writes the kept pages into `memory`, which must hold the snapshot's
  // contents; recorded as host writes, so the next reset undoes them.
  absl::Status WritePages(GuestMemory& memory) const;

  // SnapshotImage::id() of the snapshot this virtine was restored from.
  uint64_t snapshot_id() const { return snapshot_id_; }
  const CpuState& cpu() const { return cpu_; }
  const CallChannel& call() const { return call_; }
  size_t page_count() const { return addresses_.size(); }
  // Guest addresses of the kept pages, in increasing order.
  absl::Span<const uint64_t> page_addresses() const { return addresses_; }
  // Host memory held: the pages, their addresses, the vCPU and call state.
  size_t bytes() const;

 private:
  ParkedVirtine(uint64_t snapshot_id, CpuState cpu, CallChannel call)
      : snapshot_id_(snapshot_id),
        cpu_(std::move(cpu)),
        call_(std::move(call)) {}

  uint64_t snapshot_id_;
  CpuState cpu_;
  CallChannel call_;
  std::vector<uint64_t> addresses_;
  std::vector<uint8_t> contents_;  // kPageSize bytes per address, in order
};

}  // namespace wasp

#endif  // WASP_ENGINE_PARKED_VIRTINE_H_
