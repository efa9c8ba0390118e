#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/spawn.h"
#include "tools/common/json_number.h"

namespace wasp::testing {

std::string ReadAll(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

ServerProcess::ServerProcess(std::vector<std::string> flags) {
  static int counter = 0;
  std::string base =
      absl::StrCat(::testing::TempDir(), "/server-", getpid(), "-", counter++);
  log_ = base + ".log";
  std::string ready = base + ".ready";
  std::vector<std::string> args = {"tools/server/wasp-server",
                                   "--ready_file=" + ready};
  args.insert(args.end(), flags.begin(), flags.end());
  pid_ = Spawn(args, "/dev/null", log_);
  EXPECT_GT(pid_, 0) << "cannot start " << args[0];
  // The server says where it listens in its ready file, once serving.
  for (int i = 0; i < 200 && port_ == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // it gave up
      pid_ = -1;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return;
    }
    std::string json = ReadAll(ready);
    if (json.empty()) continue;
    port_ = static_cast<int>(JsonNumber(json, "port"));
    admin_port_ = static_cast<int>(JsonNumber(json, "admin_port"));
    pid_in_ready_file_ = static_cast<pid_t>(JsonNumber(json, "pid"));
  }
}

ServerProcess::~ServerProcess() { Kill(); }

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::Terminate() {
  if (pid_ < 0) return exit_status_;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return -1;
}

}  // namespace wasp::testing
