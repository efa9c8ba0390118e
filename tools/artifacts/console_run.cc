#include "tools/artifacts/console_run.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {
namespace {

// Copies what is appended to a file to a stream.
class Tail final {
 public:
  Tail(std::string path, std::FILE* to) : path_(std::move(path)), to_(to) {}
  ~Tail() {
    if (fd_ >= 0) ::close(fd_);
  }
  Tail(const Tail&) = delete;
  Tail& operator=(const Tail&) = delete;

  void Copy() {
    if (to_ == nullptr) return;
    if (fd_ < 0) fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;  // not created yet
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd_, buffer, sizeof buffer)) > 0) {
      std::fwrite(buffer, 1, static_cast<size_t>(n), to_);
    }
    std::fflush(to_);
  }

 private:
  std::string path_;
  std::FILE* to_;
  int fd_ = -1;
};

}  // namespace

absl::StatusOr<int> RunWithConsole(std::vector<std::string> argv,
                                   const ConsoleFiles& files,
                                   absl::Duration timeout) {
  if (files.err.empty()) {
    // Through a file of its own: the child opens it with O_TRUNC, which
    // would cut ours short if it were a file.
    absl::StatusOr<std::string> err = TempFile("stderr");
    if (!err.ok()) return err.status();
    ConsoleFiles to_ours = files;
    to_ours.err = *err;
    to_ours.echo_err = stderr;
    absl::StatusOr<int> status =
        RunWithConsole(std::move(argv), to_ours, timeout);
    ::unlink(err->c_str());
    return status;
  }
  std::string name = absl::StrJoin(argv, " ");
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(std::move(argv), files.out, files.err);
  if (!child.ok()) return child.status();
  Tail out(files.out, files.echo_out);
  Tail err(files.err, files.err == files.out ? nullptr : files.echo_err);
  absl::Time deadline = absl::Now() + timeout;
  while ((*child)->Running()) {
    out.Copy();
    err.Copy();
    if (absl::Now() >= deadline) {
      child->reset();  // SIGTERM, SIGKILL after 5 s, reaped
      out.Copy();
      err.Copy();
      return absl::DeadlineExceededError(
          absl::StrCat(name, " still ran after ", absl::FormatDuration(timeout),
                       "; stopped"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  out.Copy();
  err.Copy();
  return (*child)->Wait(absl::ZeroDuration());
}

absl::StatusOr<std::string> OutputOf(std::vector<std::string> argv,
                                     bool with_stderr, absl::Duration timeout) {
  absl::StatusOr<std::string> out = TempFile("output");
  if (!out.ok()) return out.status();
  std::string name = absl::StrJoin(argv, " ");
  absl::StatusOr<int> status = RunWithConsole(
      std::move(argv), {.out = *out, .err = with_stderr ? *out : "/dev/null"},
      timeout);
  std::string text = ReadFile(*out);
  ::unlink(out->c_str());
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(absl::StrCat(name, " exited with ", *status));
  }
  return text;
}

absl::StatusOr<std::string> TempFile(const std::string& name) {
  std::error_code error;
  std::filesystem::path dir = std::filesystem::temp_directory_path(error);
  if (error) dir = "/tmp";
  std::string path = (dir / ("wasp-artifacts-" + name + ".XXXXXX")).string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("mkstemp ", path));
  ::close(fd);
  return path;
}

}  // namespace wasp::artifacts
