#include "tools/common/wasp_server_process.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tools/common/json_number.h"

namespace wasp {

absl::Status NotServingError(ChildProcess& process, const std::string& what,
                             const std::string& log) {
  return absl::UnavailableError(
      absl::StrCat(what,
                   process.Running()
                       ? absl::StrCat(" is not serving after ",
                                      absl::FormatDuration(kServerStartTimeout))
                       : " exited",
                   "; its log:\n", ReadFile(log)));
}

absl::StatusOr<WaspServerProcess> StartWaspServer(std::vector<std::string> argv,
                                                  const std::string& ready_file,
                                                  const std::string& log,
                                                  int cpu) {
  ::unlink(ready_file.c_str());
  argv.push_back(absl::StrCat("--ready_file=", ready_file));
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(std::move(argv), "/dev/null", log, cpu);
  if (!process.ok()) return process.status();
  absl::Time deadline = absl::Now() + kServerStartTimeout;
  // The file appears whole (written, then renamed into place).
  std::string json;
  while ((json = ReadFile(ready_file)).empty()) {
    if (!(*process)->Running() || absl::Now() > deadline) {
      return NotServingError(**process, "wasp-server", log);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return WaspServerProcess{
      .process = *std::move(process),
      .port = static_cast<int>(JsonNumber(json, "port")),
      .admin_port = static_cast<int>(JsonNumber(json, "admin_port"))};
}

}  // namespace wasp
