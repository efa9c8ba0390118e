// For tests: runs the wasp-load binary (a data dependency at
// tools/load/wasp-load) and reads numbers out of its --json report.
#ifndef WASP_TOOLS_LOAD_TESTING_LOAD_PROCESS_H_
#define WASP_TOOLS_LOAD_TESTING_LOAD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/testing/spawn.h"
#include "tools/common/json_number.h"

namespace wasp::load::testing {

std::string ReadFile(const std::string& path);
// A fresh path under the test's temporary directory.
std::string TempPath(absl::string_view what);
using ::wasp::testing::Spawn;

struct LoadResult {
  int exit_code = -1;  // -1: killed, or did not start
  std::string out;
  std::string err;
  absl::Duration took;
};

// Runs wasp-load with `flags` to its end (or kills it after 30 s).
LoadResult RunLoad(const std::vector<std::string>& flags);

using ::wasp::JsonNumber;

}  // namespace wasp::load::testing

#endif  // WASP_TOOLS_LOAD_TESTING_LOAD_PROCESS_H_
