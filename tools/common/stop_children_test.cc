#include "tools/common/stop_children.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tools/common/child_process.h"

namespace wasp {
namespace {

// The state letter of /proc/PID/stat ("pid (comm) S ..."); 0 once it is gone.
char ProcessState(pid_t pid) {
  std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  size_t comm_end = stat.rfind(')');
  if (comm_end == std::string::npos || comm_end + 2 >= stat.size()) return 0;
  return stat[comm_end + 2];
}

TEST(StopChildrenOnSignalTest, ATermSentToTheToolAloneEndsItsChildren) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t tool = ::fork();
  ASSERT_GE(tool, 0);
  if (tool == 0) {
    StopChildrenOnSignal();
    auto sleeper =
        ChildProcess::Start({"/bin/sleep", "60"}, "/dev/null", "/dev/null");
    pid_t pid = sleeper.ok() ? (*sleeper)->pid() : -1;
    (void)!::write(pipe_fds[1], &pid, sizeof pid);
    for (;;) ::pause();
  }
  pid_t sleeper = -1;
  ASSERT_EQ(::read(pipe_fds[0], &sleeper, sizeof sleeper),
            static_cast<ssize_t>(sizeof sleeper));
  ASSERT_GT(sleeper, 0);
  // Just forked, it may still be running on its way to sleep.
  absl::Time asleep_by = absl::Now() + absl::Seconds(10);
  while (ProcessState(sleeper) == 'R' && absl::Now() < asleep_by) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(ProcessState(sleeper), 'S');

  ASSERT_EQ(::kill(tool, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(tool, &status, 0), tool);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  // Orphaned, the sleeper is a zombie until its new parent reaps it.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  char state = ProcessState(sleeper);
  while (state != 0 && state != 'Z' && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    state = ProcessState(sleeper);
  }
  EXPECT_TRUE(state == 0 || state == 'Z') << "state " << state;
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace wasp
