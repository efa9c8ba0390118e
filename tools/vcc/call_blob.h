// The bytes of one vcc call (guest/abi/vcc_call.h), packed by the host and
// unpacked from the guest's result. Pure functions: no KVM.
#ifndef WASP_TOOLS_VCC_CALL_BLOB_H_
#define WASP_TOOLS_VCC_CALL_BLOB_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "guest/abi/vcc_call.h"

namespace wasp::vcc {

// One pointer buffer of a call, its length already known.
struct BufferSpan {
  // Read when `direction` has WASP_VCC_IN, written by UnpackResult when it
  // has WASP_VCC_OUT. May be null only when `length` is 0.
  uint8_t* data = nullptr;
  uint64_t length = 0;
  uint32_t direction = 0;  // a nonzero mask of WASP_VCC_IN | WASP_VCC_OUT
};

// An error if a call has more than WASP_VCC_MAX_BUFFERS buffers.
absl::Status CheckBufferCount(uint64_t count);

// Writes the call's argument into `out` (at most WASP_CALL_ARG_MAX bytes of
// it are used) and returns its length. The errors name the limit passed
// and by how much.
absl::StatusOr<size_t> PackCall(absl::Span<uint8_t> out,
                                absl::Span<const uint8_t> args,
                                absl::Span<const BufferSpan> buffers,
                                uint32_t return_length);

// Bytes of the result the guest must return for this call.
uint64_t ResultLength(absl::Span<const BufferSpan> buffers,
                      uint64_t return_length);

// Copies the guest's result to `ret` and to the out buffers; the result must
// be exactly ResultLength() bytes long.
absl::Status UnpackResult(absl::Span<const uint8_t> result,
                          absl::Span<const BufferSpan> buffers,
                          absl::Span<uint8_t> ret);

}  // namespace wasp::vcc

#endif  // WASP_TOOLS_VCC_CALL_BLOB_H_
