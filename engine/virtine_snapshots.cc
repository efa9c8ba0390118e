// The parts of Virtine that work on its snapshot image rather than on a run:
// clones, hibernation (park/unpark) and zero-copy reads of snapshot bytes.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/virtine.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<Virtine>> Virtine::clone() const {
  RETURN_IF_ERROR(CheckReady());
  if (memory_reset_->kind() == ResetKind::kNone) {
    return absl::FailedPreconditionError(
        "clone() of a virtine made to run once (ResetKind::kNone)");
  }
  if (snapshot_image_ == nullptr) {
    return absl::FailedPreconditionError(
        "clone() of a virtine whose last snapshot failed to be captured");
  }
  // The snapshot's memory, the read-only image and restore page included.
  ASSIGN_OR_RETURN(GuestMemory memory, snapshot_image_->MapCopyOnWrite());
  auto copy = std::make_unique<Virtine>(options_);
  RETURN_IF_ERROR(copy->CreateMachine(std::move(memory)));
  copy->writable_ = writable_;
  ASSIGN_OR_RETURN(copy->memory_reset_,
                   MakeResetStrategy(options_.reset, *copy->vm_, 0,
                                     copy->memory_, writable_));
  RETURN_IF_ERROR(copy->memory_reset_->Capture(copy->memory_, snapshot_image_));
  copy->snapshot_image_ = snapshot_image_;
  copy->restore_cpu_ = restore_cpu_;
  copy->call_ = call_;
  copy->request_area_ = request_area_;
  copy->has_snapshot_ = has_snapshot_;
  copy->state_ = State::kReady;
  RETURN_IF_ERROR(copy->ResetCpu(/*full=*/true));
  return copy;
}

absl::StatusOr<ParkedVirtine> Virtine::park() const {
  RETURN_IF_ERROR(CheckReady());
  if (phase_ != Phase::kAtHypercall) {
    return absl::FailedPreconditionError(
        "park() needs a virtine stopped at a hypercall (run() returned "
        "ExitReason::Hypercall and it has not run or been reset since)");
  }
  if (snapshot_image_ == nullptr) {
    return absl::FailedPreconditionError(
        "park() of a virtine made to run once (ResetKind::kNone): it keeps "
        "no snapshot to save a difference from");
  }
  // Completes the hypercall's `out`: RIP is past it in what is saved.
  ASSIGN_OR_RETURN(CpuState cpu, CaptureCpu(*vcpu_));
  ASSIGN_OR_RETURN(PageSet written, memory_reset_->WrittenPages(memory_));
  return ParkedVirtine::Save(*snapshot_image_, memory_, written, writable_,
                             std::move(cpu), call_);
}

absl::Status Virtine::unpark(const ParkedVirtine& parked) {
  RETURN_IF_ERROR(CheckReady());
  if (snapshot_image_ == nullptr ||
      parked.snapshot_id() != snapshot_image_->id()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unpark() of a virtine parked from snapshot %u into a virtine of "
        "snapshot %u: unpark into a virtine of the cache it came from",
        parked.snapshot_id(),
        snapshot_image_ ? snapshot_image_->id() : uint64_t{0}));
  }
  if (!Pristine()) {
    return absl::FailedPreconditionError(
        "unpark() needs a virtine fresh from reset() or clone(): this one "
        "ran or had guest memory written since; reset() it first");
  }
  // Until both parts are in, a reset must restore everything by ioctl.
  phase_ = Phase::kStopped;
  clean_exit_ = false;
  RETURN_IF_ERROR(parked.WritePages(memory_));
  RETURN_IF_ERROR(RestoreCpu(*vcpu_, parked.cpu()));
  call_ = parked.call();
  phase_ = Phase::kAtHypercall;
  return absl::OkStatus();
}

bool Virtine::Pristine() const {
  return phase_ == Phase::kFresh && state_ != State::kPoisoned &&
         !memory_.host_writes().Intersects(writable_.start, writable_.size());
}

absl::StatusOr<absl::Span<const uint8_t>> Virtine::snapshot_bytes(
    uint64_t address, uint64_t length) const {
  RETURN_IF_ERROR(CheckReady());
  if (snapshot_image_ == nullptr) {
    return absl::FailedPreconditionError(
        "snapshot_bytes() of a virtine made to run once (ResetKind::kNone): "
        "it keeps no snapshot");
  }
  if (!memory_.Contains(address, length)) {
    return absl::OutOfRangeError(absl::StrFormat(
        "guest range [%#x, +%#x) leaves guest memory of %#x bytes", address,
        length, memory_.size()));
  }
  ASSIGN_OR_RETURN(PageSet written, memory_reset_->WrittenPages(memory_));
  const uint8_t* snapshot = snapshot_image_->data();
  bool changed = false;
  // Written pages may still hold the snapshot's bytes where asked.
  written.ForEach(address, length, [&](uint64_t page) {
    uint64_t from = std::max(page, address);
    uint64_t to = std::min(page + kPageSize, address + length);
    changed = changed || std::memcmp(memory_.host_base() + from,
                                     snapshot + from, to - from) != 0;
  });
  if (changed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "guest bytes [%#x, +%#x) changed since the last reset: they are not "
        "the snapshot's; copy them from memory() instead",
        address, length));
  }
  return absl::Span<const uint8_t>(snapshot + address, length);
}

}  // namespace wasp
