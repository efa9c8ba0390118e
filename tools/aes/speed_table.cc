#include "tools/aes/speed_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wasp::aes {
namespace {

// openssl's widths: "%-13s" for the name, "%7d bytes" and " %11.2fk".
constexpr size_t kOpensslNameWidth = 13;

std::vector<absl::string_view> Fields(absl::string_view line) {
  return absl::StrSplit(line, ' ', absl::SkipEmpty());
}

// "type 16 bytes 64 bytes ..." to the sizes.
absl::StatusOr<std::vector<size_t>> HeaderSizes(absl::string_view line) {
  std::vector<absl::string_view> fields = Fields(line);
  std::vector<size_t> sizes;
  for (size_t i = 1; i + 1 < fields.size(); i += 2) {
    size_t size = 0;
    if (!absl::SimpleAtoi(fields[i], &size) || fields[i + 1] != "bytes") {
      return absl::InvalidArgumentError(absl::StrCat(
          "openssl speed header '", line, "' is not 'type N bytes ...'"));
    }
    sizes.push_back(size);
  }
  return sizes;
}

}  // namespace

std::string FormatSpeedTable(absl::Span<const SpeedRow> rows) {
  size_t width = kOpensslNameWidth;
  for (const SpeedRow& row : rows) width = std::max(width, row.name.size() + 1);
  std::string table = absl::StrFormat("%-*s", width - 1, "type");
  for (size_t size : kSpeedBlockSizes) {
    absl::StrAppendFormat(&table, "%7d bytes", size);
  }
  table += "\n";
  for (const SpeedRow& row : rows) {
    absl::StrAppendFormat(&table, "%-*s", width, row.name);
    for (double kbytes : row.kbytes_per_second) {
      absl::StrAppendFormat(&table, " %11.2fk", kbytes);
    }
    table += "\n";
  }
  return table;
}

absl::StatusOr<std::vector<double>> ParseOpensslSpeed(
    absl::string_view output, absl::string_view cipher) {
  std::vector<size_t> sizes;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (absl::StartsWith(line, "type ")) {
      absl::StatusOr<std::vector<size_t>> header = HeaderSizes(line);
      if (!header.ok()) return header.status();
      sizes = *header;
      continue;
    }
    std::vector<absl::string_view> fields = Fields(line);
    if (fields.empty() || !absl::EqualsIgnoreCase(fields[0], cipher)) continue;
    if (sizes != std::vector<size_t>(kSpeedBlockSizes.begin(),
                                     kSpeedBlockSizes.end()) ||
        fields.size() != sizes.size() + 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "openssl speed's ", cipher, " row '", line,
          "' does not follow a header of the sizes 16 to 16384; run it "
          "without -bytes or -mr"));
    }
    std::vector<double> kbytes;
    for (size_t i = 1; i < fields.size(); ++i) {
      double value = 0;
      absl::string_view number = fields[i];
      // Below 10000 bytes/s openssl prints bytes without the "k".
      bool in_k = absl::ConsumeSuffix(&number, "k");
      if (!absl::SimpleAtod(number, &value)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "openssl speed's ", cipher, " row has '", fields[i],
            "' where a number of 1000s of bytes per second belongs"));
      }
      kbytes.push_back(in_k ? value : value / 1000);
    }
    return kbytes;
  }
  return absl::NotFoundError(
      absl::StrCat("no ", cipher,
                   " row in openssl speed's output; did it run "
                   "with -evp ",
                   absl::AsciiStrToLower(cipher), "?"));
}

}  // namespace wasp::aes
