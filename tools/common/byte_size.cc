#include "tools/common/byte_size.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace wasp {

absl::StatusOr<uint64_t> ParseByteSize(const std::string& flag,
                                       const std::string& text) {
  uint64_t multiplier = 1;
  std::string digits = text;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'K':
      case 'k':
        multiplier = 1ull << 10;
        break;
      case 'M':
      case 'm':
        multiplier = 1ull << 20;
        break;
      case 'G':
      case 'g':
        multiplier = 1ull << 30;
        break;
    }
    if (multiplier != 1) digits.pop_back();
  }
  uint64_t value = 0;
  bool hex = digits.rfind("0x", 0) == 0 || digits.rfind("0X", 0) == 0;
  if (!(hex ? absl::SimpleHexAtoi(digits, &value)
            : absl::SimpleAtoi(digits, &value)) ||
      value > UINT64_MAX / multiplier) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--%s=%s is not a size (try 64K, 16M or 0x8000)", flag, text));
  }
  return value * multiplier;
}

}  // namespace wasp
