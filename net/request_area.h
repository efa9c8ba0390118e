// Decodes a request area (guest/abi/hypercall.h) that an app filled in at
// the end of a run: the one place its fields are checked.
#ifndef WASP_NET_REQUEST_AREA_H_
#define WASP_NET_REQUEST_AREA_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "guest/abi/hypercall.h"
#include "net/request_handler.h"

namespace wasp {

// Maps an output segment (address, length) to host memory, or an error.
using OutputTranslator =
    absl::FunctionRef<absl::StatusOr<absl::Span<const uint8_t>>(
        uint64_t address, uint64_t length)>;

// Output segments of native code: addresses are host pointers (a null one
// is refused).
absl::StatusOr<absl::Span<const uint8_t>> HostMemory(uint64_t address,
                                                     uint64_t length);

// The result of a run whose app returned `exit_code` with `area` (a copy
// the app can no longer change) for `input_length` input bytes: kAnswered,
// or kFailed saying what was wrong.
RunResult DecodeRequestArea(const wasp_request_area& area, int64_t exit_code,
                            size_t input_length, OutputTranslator translate);

}  // namespace wasp

#endif  // WASP_NET_REQUEST_AREA_H_
