#include "engine/process_memory.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace wasp {

absl::StatusOr<uint64_t> ProportionalSetSize() {
  constexpr char kPath[] = "/proc/self/smaps_rollup";
  std::ifstream file(kPath);
  if (!file) {
    return absl::UnavailableError(
        absl::StrFormat("cannot open %s: %s (Linux 4.14 or later has it)",
                        kPath, strerror(errno)));
  }
  // "Pss:                1234 kB"
  for (std::string line; std::getline(file, line);) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "Pss:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    uint64_t kib = 0;
    if (!absl::ConsumeSuffix(&rest, "kB") ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kib)) {
      return absl::DataLossError(
          absl::StrFormat("unexpected Pss line in %s: \"%s\"", kPath, line));
    }
    return kib * 1024;
  }
  return absl::DataLossError(absl::StrFormat("no Pss line in %s", kPath));
}

}  // namespace wasp
