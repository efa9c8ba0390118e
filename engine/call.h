// One call into a virtine: the argument goes in, the result comes out,
// through the guest's call area (no exit) or WASP_HC_GET_ARG/SET_RESULT.
#ifndef WASP_ENGINE_CALL_H_
#define WASP_ENGINE_CALL_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/guest_memory.h"
#include "engine/hypercall.h"

namespace wasp {

class CallChannel {
 public:
  // The argument of the next call; at most WASP_CALL_ARG_MAX bytes.
  absl::Status SetArgument(absl::Span<const uint8_t> arg);
  // Adopts the guest's call area; false if it is not inside `writable`.
  bool SetArea(uint64_t address, uint64_t writable_start,
               uint64_t writable_end);
  std::optional<uint64_t> area() const { return area_; }

  // Writes the argument into the call area (if there is one).
  void DeliverArgument(GuestMemory& memory) const;

  // The area's argument bytes, for a host that fills them itself (a socket
  // receiving straight into guest memory), then CommitArgument.
  absl::StatusOr<absl::Span<uint8_t>> ArgumentBuffer(GuestMemory& memory) const;
  void CommitArgument(GuestMemory& memory, size_t length);

  // Copies the argument to a buffer in `writable` memory.
  HypercallResult GetArg(GuestMemory& memory, const WritableRegion& writable,
                         const Hypercall& call) const;
  HypercallResult SetResult(const GuestMemory& memory, const Hypercall& call);

  // The result of a call that exited: the call area's, or SET_RESULT's.
  absl::StatusOr<std::vector<uint8_t>> TakeResult(const GuestMemory& memory);

  // Host memory this channel holds (the argument and result kept here).
  size_t held_bytes() const { return arg_.capacity() + result_.capacity(); }

 private:
  // Announces `length` argument bytes already in the area, and no result.
  void SetLengths(GuestMemory& memory, size_t length) const;

  std::vector<uint8_t> arg_;
  std::vector<uint8_t> result_;
  std::optional<uint64_t> area_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_CALL_H_
