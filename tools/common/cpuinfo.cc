#include "tools/common/cpuinfo.h"

#include <fstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wasp {

std::string CpuinfoField(absl::string_view key) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    std::pair<absl::string_view, absl::string_view> field =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    if (absl::StripAsciiWhitespace(field.first) == key) {
      return std::string(absl::StripAsciiWhitespace(field.second));
    }
  }
  return "";
}

std::string CpuModel() { return CpuinfoField("model name"); }

double CpuinfoMhz() {
  double mhz = 0;
  return absl::SimpleAtod(CpuinfoField("cpu MHz"), &mhz) ? mhz : 0;
}

}  // namespace wasp
