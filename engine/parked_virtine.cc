#include "engine/parked_virtine.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace wasp {

absl::StatusOr<ParkedVirtine> ParkedVirtine::Save(const SnapshotImage& image,
                                                  const GuestMemory& memory,
                                                  const PageSet& written,
                                                  WritableRegion region,
                                                  CpuState cpu,
                                                  CallChannel call) {
  if (image.size() != memory.size() || region.end > memory.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot park guest memory of %#x bytes (writable [%#x, %#x)) against "
        "a snapshot image of %#x bytes: they are not of one snapshot",
        memory.size(), region.start, region.end, image.size()));
  }
  ParkedVirtine parked(image.id(), std::move(cpu), std::move(call));
  const uint8_t* now = memory.host_base();
  written.ForEach(region.start, region.size(), [&](uint64_t page) {
    if (std::memcmp(now + page, image.data() + page, kPageSize) != 0) {
      parked.addresses_.push_back(page);
    }
  });
  parked.addresses_.shrink_to_fit();
  parked.contents_.resize(parked.addresses_.size() * kPageSize);
  uint8_t* out = parked.contents_.data();
  for (uint64_t page : parked.addresses_) {
    std::memcpy(out, now + page, kPageSize);
    out += kPageSize;
  }
  return parked;
}

absl::Status ParkedVirtine::WritePages(GuestMemory& memory) const {
  const uint8_t* in = contents_.data();
  for (uint64_t page : addresses_) {
    ASSIGN_OR_RETURN(absl::Span<uint8_t> target,
                     memory.TranslateForWrite(page, kPageSize));
    std::memcpy(target.data(), in, kPageSize);
    in += kPageSize;
  }
  return absl::OkStatus();
}

size_t ParkedVirtine::bytes() const {
  return sizeof(ParkedVirtine) + contents_.capacity() +
         addresses_.capacity() * sizeof(uint64_t) + call_.held_bytes();
}

}  // namespace wasp
