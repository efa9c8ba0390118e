// Lets users write --load-addr where Abseil flags are named --load_addr.
#ifndef WASP_TOOLS_COMMON_FLAG_NAMES_H_
#define WASP_TOOLS_COMMON_FLAG_NAMES_H_

#include <string>

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace wasp {

// --help lists the flags defined under `directory` (Abseil's default looks
// for a file named after the program, which ours are not).
inline void ListToolFlagsInHelp(absl::string_view directory = "tools/") {
  absl::FlagsUsageConfig config;
  config.contains_help_flags =
      [directory = std::string(directory)](absl::string_view path) {
        return absl::StrContains(path, directory);
      };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
}

// Rewrites "--a-b=c" to "--a_b=c" in place (values are left alone), up to
// a "--" that ends the flags.
inline void UnderscoreFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (arg[0] != '-' || arg[1] != '-') continue;
    if (arg[2] == '\0') break;
    for (char* c = arg + 2; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_FLAG_NAMES_H_
