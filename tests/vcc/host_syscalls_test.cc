// Host files through virtine_whitelist (tools/vcc/host_files.h), in
// tests/vcc/http_server.c built with vcc: its virtines serve HTTP requests
// from the host's sockets and files as its native build does, and the calls
// they may not make fail with the errno the rules say.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"

namespace {

constexpr int kFileBytes = 100000;  // many reads and writes per response

std::string Program(const std::string& name) {
  char cwd[4096];
  return absl::StrCat(getcwd(cwd, sizeof cwd), "/tests/vcc/", name);
}

std::string ReadAll(FILE* pipe) {
  std::string text;
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) {
    text.append(chunk, n);
  }
  return text;
}

std::string FileContents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The response to `request` from the server on 127.0.0.1:`port`.
std::string Fetch(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{.tv_sec = 30};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{.sin_family = AF_INET,
                      .sin_port = htons(static_cast<uint16_t>(port)),
                      .sin_addr = {htonl(INADDR_LOOPBACK)}};
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      write(fd, request.data(), request.size()) ==
          static_cast<ssize_t>(request.size())) {
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) response.append(chunk, n);
  }
  close(fd);
  return response;
}

class HostSyscallsTest : public wasp::testing::KvmTest {
 protected:
  void SetUp() override {
    KvmTest::SetUp();
    dir_ = ::testing::TempDir() + "/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(std::system(("rm -rf " + dir_ + " && mkdir -p " + dir_).c_str()),
              0);
    std::mt19937 random(7);
    file_.resize(kFileBytes);
    for (char& c : file_) c = static_cast<char>(random());
    std::ofstream(dir_ + "/index.html", std::ios::binary) << file_;
  }

  // Starts `program args` in the test's directory; its stdout is the pipe.
  FILE* Start(const std::string& program, const std::string& args,
              const std::string& env = "") {
    std::string command = absl::StrCat(
        "cd ", dir_, " && ", env, " timeout 120 ", Program(program), " ", args);
    return popen(command.c_str(), "r");
  }

  // Runs `program args` to its end; its stdout.
  std::string Run(const std::string& program, const std::string& args) {
    FILE* pipe = Start(program, args);
    if (pipe == nullptr) return "";
    std::string out = ReadAll(pipe);
    EXPECT_EQ(pclose(pipe), 0) << program << " " << args << ": " << out;
    return out;
  }

  // The port the server wrote to `path`, once it has.
  int WaitForPort(const std::string& path) {
    absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      std::string port = FileContents(path);
      if (!port.empty()) return std::stoi(port);
      absl::SleepFor(absl::Milliseconds(20));
    }
    return -1;
  }

  // Serves three requests with `program`; checks every response and the
  // statuses it printed.
  void ExpectServes(const std::string& program, const std::string& env = "") {
    std::string port_file = dir_ + "/port." + program;
    FILE* server = Start(program, "serve " + port_file + " 3", env);
    ASSERT_NE(server, nullptr);
    int port = WaitForPort(port_file);
    ASSERT_GT(port, 0) << program << " wrote no port";
    std::string ok = absl::StrCat(
        "HTTP/1.0 200 OK\r\nContent-Length: ", kFileBytes, "\r\n\r\n", file_);
    std::string response = Fetch(port, "GET /index.html HTTP/1.0\r\n\r\n");
    EXPECT_TRUE(response == ok)
        << program << ": " << response.size() << " bytes, not the file's "
        << ok.size() << ": " << response.substr(0, 64);
    EXPECT_EQ(Fetch(port, "GET /missing HTTP/1.0\r\nHost: x\r\n\r\n"),
              "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    EXPECT_TRUE(Fetch(port, "GET /index.html HTTP/1.1\r\n\r\n") == ok)
        << program;
    std::string statuses = ReadAll(server);
    EXPECT_EQ(pclose(server), 0) << statuses;
    EXPECT_EQ(statuses, "200\n404\n200\n") << program;
  }

  std::string dir_;
  std::string file_;
};

TEST_F(HostSyscallsTest, ServesHostFilesOverHostSocketsAsTheNativeBuildDoes) {
  ExpectServes("http_server_native");
  ExpectServes("http_server");
}

TEST_F(HostSyscallsTest, ServesTheSameWithoutSnapshots) {
  ExpectServes("http_server", "WASP_NO_SNAPSHOT=1");
}

TEST_F(HostSyscallsTest, CallsOutsideTheRulesFailWithTheirErrno) {
  EXPECT_EQ(Run("http_server", "refusals"),
            absl::StrFormat("open without permission %d\n"
                            "open without whitelist %d\n"
                            "open with VIRTINE_ALLOW_ALL 1\n"
                            "write to stdin %d\n"
                            "write to a long %d\n"
                            "write to a given int 2\n"
                            "the pipe holds 2 ok\n"
                            "open outside memory %d\n"
                            "open a null path %d\n"
                            "read outside memory %d\n"
                            "kept descriptor open after the call 0\n",
                            -EPERM, -EPERM, -EBADF, -EBADF, -EFAULT, -EFAULT,
                            -EFAULT));
}

TEST_F(HostSyscallsTest, FilesACallLeavesOpenAreClosedWhenItEnds) {
  std::string out = Run("http_server", "leak 300");
  int before = -1, after = -2, failed = -1;
  ASSERT_EQ(std::sscanf(out.c_str(), "descriptors before %d after %d failed %d",
                        &before, &after, &failed),
            3)
      << out;
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(after, before) << "a call's descriptors outlived it";
  // The native build leaks them all: the test would see a leak.
  out = Run("http_server_native", "leak 10");
  ASSERT_EQ(std::sscanf(out.c_str(), "descriptors before %d after %d failed %d",
                        &before, &after, &failed),
            3);
  EXPECT_EQ(after, before + 10);
}

TEST_F(HostSyscallsTest, CallsOnManyThreadsEachUseTheirOwnDescriptors) {
  EXPECT_EQ(Run("http_server", "threads 4"), "threads 4 of 4 good\n");
}

}  // namespace
