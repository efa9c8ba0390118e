// For tests: wasp-server as a child process (a data dependency at
// tools/server/wasp-server), found through its ready file.
#ifndef WASP_TESTS_TESTING_SERVER_PROCESS_H_
#define WASP_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace wasp::testing {

// The whole file; empty if it cannot be read.
std::string ReadAll(const std::string& path);

class ServerProcess {
 public:
  // Starts wasp-server with `flags` and waits (up to 10 s) for its ready
  // file; port() stays 0 if it exits or does not get ready.
  explicit ServerProcess(std::vector<std::string> flags);
  // SIGKILL, unless it already ended.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  pid_t pid() const { return pid_; }
  pid_t pid_in_ready_file() const { return pid_in_ready_file_; }
  std::string Log() const { return ReadAll(log_); }
  // Sends SIGTERM and returns the exit status (-1 if it did not exit
  // within 10 s).
  int Terminate();
  // SIGKILL now, reaped.
  void Kill();

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  int port_ = 0;
  int admin_port_ = -1;
  pid_t pid_in_ready_file_ = 0;
  std::string log_;
};

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_SERVER_PROCESS_H_
