// Lets users write --load-addr where Abseil flags are named --load_addr.
#ifndef WASP_TOOLS_COMMON_FLAG_NAMES_H_
#define WASP_TOOLS_COMMON_FLAG_NAMES_H_

namespace wasp {

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
