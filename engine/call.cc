#include "engine/call.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "absl/strings/str_format.h"

namespace wasp {
namespace {

constexpr uint64_t kAreaSize = sizeof(wasp_call_area);

}  // namespace

absl::Status CallChannel::SetArgument(absl::Span<const uint8_t> arg) {
  if (arg.size() > WASP_CALL_ARG_MAX) {
    return absl::InvalidArgumentError(
        absl::StrFormat("call argument of %u bytes is over the limit of %u",
                        arg.size(), WASP_CALL_ARG_MAX));
  }
  arg_.assign(arg.begin(), arg.end());
  result_.clear();
  return absl::OkStatus();
}

bool CallChannel::SetArea(uint64_t address, uint64_t writable_start,
                          uint64_t writable_end) {
  if (address < writable_start || address > writable_end ||
      writable_end - address < kAreaSize) {
    return false;
  }
  area_ = address;
  return true;
}

void CallChannel::DeliverArgument(GuestMemory& memory) const {
  if (!area_) return;
  // Only the bytes written count as written: a reset restores their pages.
  auto arg = memory.TranslateForWrite(*area_ + offsetof(wasp_call_area, arg),
                                      arg_.size());
  if (!arg.ok()) return;
  std::copy(arg_.begin(), arg_.end(), arg->begin());
  SetLengths(memory, arg_.size());
}

absl::StatusOr<absl::Span<uint8_t>> CallChannel::ArgumentBuffer(
    GuestMemory& memory) const {
  if (!area_) {
    return absl::FailedPreconditionError(
        "the guest has registered no call area (WASP_HC_SNAPSHOT with one)");
  }
  return memory.TranslateForWrite(*area_ + offsetof(wasp_call_area, arg),
                                  WASP_CALL_ARG_MAX);
}

void CallChannel::CommitArgument(GuestMemory& memory, size_t length) {
  arg_.clear();
  result_.clear();
  SetLengths(memory, length);
}

void CallChannel::SetLengths(GuestMemory& memory, size_t length) const {
  if (!area_) return;
  // SetArea checked the range against the writable region.
  auto header = memory.TranslateForWrite(*area_, offsetof(wasp_call_area, arg));
  if (!header.ok()) return;
  const uint32_t arg_len =
      static_cast<uint32_t>(std::min<size_t>(length, WASP_CALL_ARG_MAX));
  const uint32_t result_len = 0;
  // The guest may put its area at any byte: copied, never cast.
  std::memcpy(header->data() + offsetof(wasp_call_area, arg_len), &arg_len,
              sizeof arg_len);
  std::memcpy(header->data() + offsetof(wasp_call_area, result_len),
              &result_len, sizeof result_len);
}

HypercallResult CallChannel::GetArg(GuestMemory& memory,
                                    const WritableRegion& writable,
                                    const Hypercall& call) const {
  uint64_t length = std::min<uint64_t>(call.args[1], arg_.size());
  auto buffer = memory.TranslateGuestBuffer(call.args[0], length, writable);
  if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
  std::copy(arg_.begin(), arg_.begin() + length, buffer->begin());
  return HypercallResult::Return(static_cast<int64_t>(arg_.size()));
}

HypercallResult CallChannel::SetResult(const GuestMemory& memory,
                                       const Hypercall& call) {
  if (call.args[1] > WASP_CALL_RESULT_MAX) {
    return HypercallResult::Error(WASP_EINVAL);
  }
  auto buffer = memory.Translate(call.args[0], call.args[1]);
  if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
  result_.assign(buffer->begin(), buffer->end());
  return HypercallResult::Return(0);
}

absl::StatusOr<std::vector<uint8_t>> CallChannel::TakeResult(
    const GuestMemory& memory) {
  if (area_) {
    auto area = memory.Translate(*area_, kAreaSize);
    if (!area.ok()) return area.status();
    uint32_t length;  // read once: the guest wrote it (at any alignment)
    std::memcpy(&length, area->data() + offsetof(wasp_call_area, result_len),
                sizeof length);
    if (length > WASP_CALL_RESULT_MAX) {
      return absl::OutOfRangeError(absl::StrFormat(
          "the guest's result length %u is over the limit of %u", length,
          WASP_CALL_RESULT_MAX));
    }
    if (length > 0) {
      const uint8_t* result = area->data() + offsetof(wasp_call_area, result);
      return std::vector<uint8_t>(result, result + length);
    }
  }
  return std::move(result_);
}

}  // namespace wasp
