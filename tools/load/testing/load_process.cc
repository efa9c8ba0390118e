#include "tools/load/testing/load_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace wasp::load::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string TempPath(absl::string_view what) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/", what, "-", getpid(), "-",
                      counter++);
}

LoadResult RunLoad(const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"tools/load/wasp-load"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::string out = TempPath("load-out"), err = TempPath("load-err");
  LoadResult result;
  absl::Time start = absl::Now();
  pid_t pid = Spawn(args, out, err);
  if (pid < 0) return result;
  int status = 0;
  for (int i = 0; i < 3000; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (result.exit_code == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  result.took = absl::Now() - start;
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

}  // namespace wasp::load::testing
