// Lets users write --load-addr where Abseil flags are named --load_addr, and
// parses the flags of a tool the same way in every tool.
#ifndef WASP_TOOLS_COMMON_FLAG_NAMES_H_
#define WASP_TOOLS_COMMON_FLAG_NAMES_H_

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
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

// Parses the flags of a tool that takes nothing but flags: --help (or -h)
// prints `usage` and the flags defined under `directory`; --a-b is --a_b.
// False, after naming it on stderr, when an argument is not a flag.
inline bool ParseFlagsOnly(int argc, char** argv, absl::string_view usage,
                           absl::string_view directory = "tools/") {
  static char help[] = "--help";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "-h") == 0) argv[i] = help;
  }
  absl::SetProgramUsageMessage(usage);
  ListToolFlagsInHelp(directory);
  UnderscoreFlagNames(argc, argv);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() <= 1) return true;
  const char* name = std::strrchr(argv[0], '/');
  std::fprintf(stderr, "%s: unexpected argument %s\n",
               name == nullptr ? argv[0] : name + 1, positional[1]);
  return false;
}

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_FLAG_NAMES_H_
