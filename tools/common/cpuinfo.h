// What /proc/cpuinfo says about the machine a tool measures on, for the
// machine tables of its reports.
#ifndef WASP_TOOLS_COMMON_CPUINFO_H_
#define WASP_TOOLS_COMMON_CPUINFO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace wasp {

// The value of the first "key : value" line (the first processor's);
// "" if absent.
std::string CpuinfoField(absl::string_view key);
// "model name"; "" if absent.
std::string CpuModel();
// "cpu MHz"; 0 if absent.
double CpuinfoMhz();

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_CPUINFO_H_
