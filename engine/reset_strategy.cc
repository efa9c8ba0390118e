#include "engine/reset_strategy.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/status_macros.h"

namespace wasp {
namespace {

class CopyReset final : public ResetStrategy {
 public:
  explicit CopyReset(WritableRegion region)
      : region_(region), image_(region.size()) {}

  absl::Status Capture(const GuestMemory& memory) override {
    std::memcpy(image_.data(), memory.host_base() + region_.start,
                image_.size());
    return absl::OkStatus();
  }
  absl::Status Restore(GuestMemory& memory) override {
    std::memcpy(memory.host_base() + region_.start, image_.data(),
                image_.size());
    return absl::OkStatus();
  }
  void CopyCaptured(GuestMemory& other) const override {
    std::memcpy(other.host_base() + region_.start, image_.data(),
                image_.size());
  }
  void NoteHostWrite(uint64_t, uint64_t) override {}
  ResetKind kind() const override { return ResetKind::kCopy; }

 private:
  const WritableRegion region_;
  std::vector<uint8_t> image_;
};

// For a virtine used once and destroyed (a fresh VM per request): no copy
// of its memory is made at all.
class NoReset final : public ResetStrategy {
 public:
  absl::Status Capture(const GuestMemory&) override { return absl::OkStatus(); }
  absl::Status Restore(GuestMemory&) override {
    return absl::FailedPreconditionError(
        "this virtine was made to run once (ResetKind::kNone): it keeps "
        "nothing to reset to");
  }
  void CopyCaptured(GuestMemory&) const override {}
  void NoteHostWrite(uint64_t, uint64_t) override {}
  ResetKind kind() const override { return ResetKind::kNone; }
};

// Copies back the pages KVM logged as written. With manual protection the
// pages a guest writes on every run (its stack, buffers) are left writable
// and copied back every reset, instead of taking a write-protection fault
// on each of them every run (expensive under nested or emulated paging);
// once more than kKeepWritableLimit of them pile up they are protected
// again, so a guest that once wrote everything costs one full copy, not one
// per reset.
class DirtyLogReset final : public ResetStrategy {
 public:
  DirtyLogReset(Vm& vm, uint32_t slot, const GuestMemory& memory,
                WritableRegion region)
      : vm_(vm),
        slot_(slot),
        pages_(memory.size() / kPageSize),
        region_(region),
        image_(region.size()),
        bitmap_((pages_ + 63) / 64),
        host_written_(bitmap_.size()) {}

  absl::Status Enable(GuestMemory& memory) {
    ASSIGN_OR_RETURN(manual_protect_, vm_.EnableManualDirtyLogProtect());
    return vm_.MapMemory(slot_, 0, memory.host_base(), memory.size(),
                         KVM_MEM_LOG_DIRTY_PAGES);
  }

  absl::Status Capture(const GuestMemory& memory) override {
    std::memcpy(image_.data(), memory.host_base() + region_.start,
                image_.size());
    // Forget what was written before the capture.
    RETURN_IF_ERROR(vm_.GetDirtyLog(slot_, bitmap_.data()));
    return Protect();
  }

  absl::Status Restore(GuestMemory& memory) override {
    RETURN_IF_ERROR(vm_.GetDirtyLog(slot_, bitmap_.data()));
    uint64_t copied = 0;
    for (size_t word = 0; word < bitmap_.size(); ++word) {
      for (uint64_t bits = bitmap_[word] | host_written_[word]; bits != 0;
           bits &= bits - 1) {
        uint64_t page = (word * 64 + __builtin_ctzll(bits)) * kPageSize;
        if (page < region_.start || page >= region_.end) continue;
        std::memcpy(memory.host_base() + page,
                    image_.data() + (page - region_.start), kPageSize);
        ++copied;
      }
      host_written_[word] = 0;
    }
    return copied > kKeepWritableLimit ? Protect() : absl::OkStatus();
  }

  void CopyCaptured(GuestMemory& other) const override {
    std::memcpy(other.host_base() + region_.start, image_.data(),
                image_.size());
  }

  void NoteHostWrite(uint64_t address, uint64_t length) override {
    if (length == 0) return;
    for (uint64_t page = address / kPageSize;
         page <= (address + length - 1) / kPageSize; ++page) {
      if (page / 64 < host_written_.size()) {
        host_written_[page / 64] |= 1ull << (page % 64);
      }
    }
  }

  ResetKind kind() const override { return ResetKind::kDirtyLog; }

 private:
  // Pages copied back per reset before they are protected again: at most
  // what a copy reset would copy.
  static constexpr uint64_t kKeepWritableLimit = kAutoCopyLimit / kPageSize;

  // Write-protects the pages of the last fetched log again (without manual
  // protection, fetching did that).
  absl::Status Protect() {
    if (!manual_protect_) return absl::OkStatus();
    return vm_.ClearDirtyLog(slot_, pages_, bitmap_.data());
  }

  Vm& vm_;
  const uint32_t slot_;
  const uint64_t pages_;  // of the slot
  const WritableRegion region_;
  bool manual_protect_ = false;
  std::vector<uint8_t> image_;
  std::vector<uint64_t> bitmap_;
  std::vector<uint64_t> host_written_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ResetStrategy>> MakeResetStrategy(
    ResetKind kind, Vm& vm, uint32_t slot, GuestMemory& memory,
    WritableRegion region) {
  if (region.start > region.end || region.end > memory.size() ||
      region.start % kPageSize != 0 || region.end % kPageSize != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "writable region [%#x, %#x) is not page-aligned inside %#x bytes",
        region.start, region.end, memory.size()));
  }
  if (kind == ResetKind::kAuto) {
    kind = vm.HasManualDirtyLogProtect() || region.size() > kAutoCopyLimit
               ? ResetKind::kDirtyLog
               : ResetKind::kCopy;
  }
  if (kind == ResetKind::kNone) return std::make_unique<NoReset>();
  if (kind == ResetKind::kCopy) return std::make_unique<CopyReset>(region);
  auto dirty = std::make_unique<DirtyLogReset>(vm, slot, memory, region);
  RETURN_IF_ERROR(dirty->Enable(memory));
  return dirty;
}

const char* ResetKindName(ResetKind kind) {
  switch (kind) {
    case ResetKind::kAuto:
      return "auto";
    case ResetKind::kCopy:
      return "copy";
    case ResetKind::kDirtyLog:
      return "dirty-log";
    case ResetKind::kNone:
      return "none";
  }
  return "unknown";
}

}  // namespace wasp
