#include "engine/reset_strategy.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace wasp {
namespace {

absl::Status CheckImage(const SnapshotImage* image, const GuestMemory& memory) {
  if (image == nullptr) {
    return absl::FailedPreconditionError(
        "no snapshot image to reset to: none was captured (load an image "
        "first) or capturing one failed");
  }
  if (image->size() != memory.size()) {
    return absl::InternalError(absl::StrFormat(
        "snapshot image of %#x bytes for guest memory of %#x bytes",
        image->size(), memory.size()));
  }
  return absl::OkStatus();
}

// Copies the whole writable region back. On a clone's copy-on-write memory
// the first reset thus makes every writable page private: no exit and no
// ioctl per reset, paid for in memory.
class CopyReset final : public ResetStrategy {
 public:
  explicit CopyReset(WritableRegion region) : region_(region) {}

  absl::Status Capture(GuestMemory& memory,
                       std::shared_ptr<const SnapshotImage> image) override {
    image_ = std::move(image);
    memory.ForgetHostWrites(0, memory.size());
    return absl::OkStatus();
  }

  absl::Status Restore(GuestMemory& memory) override {
    RETURN_IF_ERROR(CheckImage(image_.get(), memory));
    std::memcpy(memory.host_base() + region_.start,
                image_->data() + region_.start, region_.size());
    memory.ForgetHostWrites(region_.start, region_.end);
    return absl::OkStatus();
  }

  // Nothing tells which pages the guest wrote.
  absl::StatusOr<PageSet> WrittenPages(const GuestMemory& memory) override {
    PageSet pages = memory.host_writes();
    pages.Add(region_.start, region_.size());
    return pages;
  }

  ResetKind kind() const override { return ResetKind::kCopy; }

 private:
  const WritableRegion region_;
  std::shared_ptr<const SnapshotImage> image_;
};

// For a virtine used once and destroyed (a fresh VM per request): no copy
// of its memory is made at all.
class NoReset final : public ResetStrategy {
 public:
  absl::Status Capture(GuestMemory& memory,
                       std::shared_ptr<const SnapshotImage>) override {
    memory.ForgetHostWrites(0, memory.size());
    return absl::OkStatus();
  }
  absl::Status Restore(GuestMemory&) override {
    return absl::FailedPreconditionError(
        "this virtine was made to run once (ResetKind::kNone): it keeps "
        "nothing to reset to");
  }
  absl::StatusOr<PageSet> WrittenPages(const GuestMemory&) override {
    return absl::FailedPreconditionError(
        "this virtine was made to run once (ResetKind::kNone): it keeps no "
        "snapshot to compare with");
  }
  ResetKind kind() const override { return ResetKind::kNone; }
};

// Copies back the pages KVM logged as written, and those the host wrote.
// With manual protection the pages a guest writes on every run (its stack,
// buffers) are left writable and copied back every reset, instead of taking
// a write-protection fault on each of them every run (expensive under
// nested or emulated paging); once more than kKeepWritableLimit of them pile
// up they are protected again, so a guest that once wrote everything costs
// one full copy, not one per reset.
class DirtyLogReset final : public ResetStrategy {
 public:
  DirtyLogReset(Vm& vm, uint32_t slot, const GuestMemory& memory,
                WritableRegion region)
      : vm_(vm),
        slot_(slot),
        region_(region),
        fetched_(memory.size()),
        logged_(memory.size()),
        to_copy_(memory.size()) {}

  absl::Status Enable(GuestMemory& memory) {
    ASSIGN_OR_RETURN(manual_protect_, vm_.EnableManualDirtyLogProtect());
    return vm_.MapMemory(slot_, 0, memory.host_base(), memory.size(),
                         KVM_MEM_LOG_DIRTY_PAGES);
  }

  absl::Status Capture(GuestMemory& memory,
                       std::shared_ptr<const SnapshotImage> image) override {
    // Forget what was written before the capture.
    RETURN_IF_ERROR(FetchLog());
    RETURN_IF_ERROR(Protect());
    logged_.Clear();
    memory.ForgetHostWrites(0, memory.size());
    image_ = std::move(image);
    return absl::OkStatus();
  }

  absl::Status Restore(GuestMemory& memory) override {
    RETURN_IF_ERROR(CheckImage(image_.get(), memory));
    RETURN_IF_ERROR(FetchLog());
    to_copy_ = logged_;
    to_copy_ |= memory.host_writes();
    uint64_t copied = 0;
    to_copy_.ForEach(region_.start, region_.size(), [&](uint64_t page) {
      std::memcpy(memory.host_base() + page, image_->data() + page, kPageSize);
      ++copied;
    });
    memory.ForgetHostWrites(region_.start, region_.end);
    absl::Status protect =
        copied > kKeepWritableLimit ? Protect() : absl::OkStatus();
    logged_.Clear();
    return protect;
  }

  absl::StatusOr<PageSet> WrittenPages(const GuestMemory& memory) override {
    RETURN_IF_ERROR(FetchLog());
    PageSet pages = logged_;
    pages |= memory.host_writes();
    return pages;
  }

  ResetKind kind() const override { return ResetKind::kDirtyLog; }

 private:
  // Pages copied back per reset before they are protected again: at most
  // what a copy reset would copy.
  static constexpr uint64_t kKeepWritableLimit = kAutoCopyLimit / kPageSize;

  // Adds the pages KVM logged to logged_. Without manual protection the
  // fetch also clears KVM's log: then logged_ is all that is left of them
  // until the next Restore copies them back.
  absl::Status FetchLog() {
    RETURN_IF_ERROR(vm_.GetDirtyLog(slot_, fetched_.words()));
    logged_ |= fetched_;
    return absl::OkStatus();
  }

  // Write-protects the logged pages again (without manual protection,
  // fetching did that).
  absl::Status Protect() {
    if (!manual_protect_) return absl::OkStatus();
    return vm_.ClearDirtyLog(slot_, logged_.pages(), logged_.words());
  }

  Vm& vm_;
  const uint32_t slot_;
  const WritableRegion region_;
  bool manual_protect_ = false;
  std::shared_ptr<const SnapshotImage> image_;
  PageSet fetched_;  // the last fetch of KVM's log
  PageSet logged_;   // every page logged since the last Capture or Restore
  PageSet to_copy_;  // Restore's scratch: logged and host-written pages
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
