// Throughput tables in the shape `openssl speed -evp aes-128-cbc` prints
// them, and the row read back from the real `openssl speed`'s output, so
// that both sit in one table.
#ifndef WASP_TOOLS_AES_SPEED_TABLE_H_
#define WASP_TOOLS_AES_SPEED_TABLE_H_

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasp::aes {

// The message sizes `openssl speed` measures, in its order.
inline constexpr std::array<size_t, 6> kSpeedBlockSizes = {16,   64,   256,
                                                           1024, 8192, 16384};

struct SpeedRow {
  std::string name;
  // 1000s of bytes per second, one per kSpeedBlockSizes.
  std::vector<double> kbytes_per_second;
};

// openssl's header line, its `type` column widened to the longest name,
// then one line per row ("k" after each number, as openssl prints them).
std::string FormatSpeedTable(absl::Span<const SpeedRow> rows);

// The `cipher` row of `openssl speed` output, in 1000s of bytes per second;
// an error if there is none or its sizes are not kSpeedBlockSizes.
absl::StatusOr<std::vector<double>> ParseOpensslSpeed(
    absl::string_view output, absl::string_view cipher = "AES-128-CBC");

}  // namespace wasp::aes

#endif  // WASP_TOOLS_AES_SPEED_TABLE_H_
