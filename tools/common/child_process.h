// A program a tool starts (a server, the load generator, gnuplot): pinned
// to a CPU, its output in files, stopped and reaped when the object goes.
#ifndef WASP_TOOLS_COMMON_CHILD_PROCESS_H_
#define WASP_TOOLS_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wasp {

class ChildProcess final {
 public:
  // Runs `argv` (argv[0] a path) with stdout and stderr in the given files
  // (the same path: both in one file, as `>file 2>&1`), on `cpu` (-1: any).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      std::vector<std::string> argv, const std::string& out,
      const std::string& err, int cpu = -1);
  // SIGTERM, SIGKILL after 5 s, reaped.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Its exit status (128 + signal if killed); DeadlineExceeded after
  // `timeout`, when it is killed.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  bool Running();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
  int status_ = 0;
};

// The whole file; empty if it cannot be read.
std::string ReadFile(const std::string& path);
// Replaces the file's contents with `text`.
absl::Status WriteFile(const std::string& path, const std::string& text);

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_CHILD_PROCESS_H_
