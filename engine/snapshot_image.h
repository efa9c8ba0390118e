// The memory of a snapshot, shared by every virtine restored from it: a
// memfd holding all of guest memory as captured, sealed against any change,
// and one read-only mapping of it. A clone maps the file copy-on-write
// (GuestMemory::MapPrivate), so every page it never writes stays one
// page-cache page for the whole pool; resets copy pages back from here.
#ifndef WASP_ENGINE_SNAPSHOT_IMAGE_H_
#define WASP_ENGINE_SNAPSHOT_IMAGE_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"
#include "engine/guest_memory.h"

namespace wasp {

class SnapshotImage final {
 public:
  // Copies all of `memory` into a new sealed memfd (all-zero pages are left
  // as holes, which read as zeros).
  static absl::StatusOr<std::shared_ptr<const SnapshotImage>> Create(
      const GuestMemory& memory);
  SnapshotImage(const SnapshotImage&) = delete;
  SnapshotImage& operator=(const SnapshotImage&) = delete;

  // Tells snapshots apart: never reused within a process.
  uint64_t id() const { return id_; }
  uint64_t size() const { return mapping_.size(); }
  // Guest memory as captured, from guest address 0. Immutable, and valid as
  // long as this image lives.
  const uint8_t* data() const { return static_cast<uint8_t*>(mapping_.get()); }
  // New guest memory in this image's state, copy-on-write.
  absl::StatusOr<GuestMemory> MapCopyOnWrite() const;
  // The memfd, sealed with F_SEAL_WRITE, F_SEAL_GROW, F_SEAL_SHRINK and
  // F_SEAL_SEAL (and F_SEAL_EXEC where the kernel has it).
  int fd() const { return fd_.get(); }

 private:
  SnapshotImage(UniqueFd fd, Mapping mapping);

  const uint64_t id_;
  UniqueFd fd_;
  Mapping mapping_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_SNAPSHOT_IMAGE_H_
