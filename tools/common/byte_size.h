// Sizes on command lines: "4096", "0x8000", "64K", "16M", "1G".
#ifndef WASP_TOOLS_COMMON_BYTE_SIZE_H_
#define WASP_TOOLS_COMMON_BYTE_SIZE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace wasp {

// The error names `flag`, e.g. "--mem=12Q is not a size (...)".
absl::StatusOr<uint64_t> ParseByteSize(const std::string& flag,
                                       const std::string& text);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_BYTE_SIZE_H_
