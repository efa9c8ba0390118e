// Runs a program to its end with its output in files, copied to ours as it
// comes (like `cmd 2>&1 | tee file`), and stops it after a timeout.
#ifndef WASP_TOOLS_ARTIFACTS_CONSOLE_RUN_H_
#define WASP_TOOLS_ARTIFACTS_CONSOLE_RUN_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wasp::artifacts {

struct ConsoleFiles {
  std::string out;  // its stdout
  // Its stderr; `out` again for both in one file; "": to our stderr.
  std::string err;
  std::FILE* echo_out = nullptr;  // gets what lands in `out` (null: none)
  std::FILE* echo_err = nullptr;  // gets what lands in `err`, another file
};

// Its exit status (128 + signal if killed); DeadlineExceeded when it still
// ran after `timeout`: then it got SIGTERM, and SIGKILL 5 s later.
absl::StatusOr<int> RunWithConsole(std::vector<std::string> argv,
                                   const ConsoleFiles& files,
                                   absl::Duration timeout);

// What `argv` printed on stdout (and stderr, `with_stderr`; else that is
// dropped); an error unless it exited with 0.
absl::StatusOr<std::string> OutputOf(std::vector<std::string> argv,
                                     bool with_stderr = false,
                                     absl::Duration timeout = absl::Minutes(1));

// A new empty file in $TMPDIR (or /tmp), named after `name`.
absl::StatusOr<std::string> TempFile(const std::string& name);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_CONSOLE_RUN_H_
