// The host-file hypercalls against plain guest memory: no KVM.
#include "tools/vcc/host_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"
// Last: without __VCC__ it defines `virtine` away.
#include "virtine.h"

namespace wasp::vcc {
namespace {

constexpr uint64_t kMemory = 64 << 10;
constexpr uint64_t kWritableStart = 0x8000;
constexpr uint64_t kPath = 0x9000;    // guest address of a path
constexpr uint64_t kBuffer = 0xA000;  // guest address of a buffer
constexpr uint64_t kSystem = 0x2000;  // below the writable region

class HostFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = GuestMemory::Allocate(kMemory);
    ASSERT_TRUE(memory.ok()) << memory.status();
    memory_ = std::move(*memory);
    dir_ = ::testing::TempDir();
  }

  GuestAccess guest() { return {memory_, {kWritableStart, memory_.size()}}; }

  // A host file holding `contents`; returns its path.
  std::string HostFile(const std::string& name, const std::string& contents) {
    std::string path = dir_ + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, contents.data(), contents.size()),
              static_cast<ssize_t>(contents.size()));
    ::close(fd);
    return path;
  }

  // Puts a NUL-terminated string into guest memory at `address`.
  void PutString(uint64_t address, const std::string& s) {
    ASSERT_TRUE(
        memory_
            .Write(address,
                   {reinterpret_cast<const uint8_t*>(s.c_str()), s.size() + 1})
            .ok());
  }

  int64_t Serve(CallFiles& files, uint64_t number, uint64_t a0 = 0,
                uint64_t a1 = 0, uint64_t a2 = 0) {
    return files.Serve(
        guest(), Hypercall{.number = number, .args = {a0, a1, a2, 0, 0, 0}});
  }

  int64_t Open(CallFiles& files, const std::string& path, int flags = O_RDONLY,
               int mode = 0) {
    PutString(kPath, path);
    return Serve(files, WASP_HC_HOST_OPEN, kPath, flags, mode);
  }

  std::string GuestBytes(uint64_t address, size_t length) {
    std::string bytes(length, '\0');
    EXPECT_TRUE(memory_
                    .Read(address, {reinterpret_cast<uint8_t*>(bytes.data()),
                                    bytes.size()})
                    .ok());
    return bytes;
  }

  GuestMemory memory_;
  std::string dir_;
};

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// The signed value a guest's int becomes in a hypercall argument.
uint64_t Arg(int64_t value) { return static_cast<uint64_t>(value); }

TEST(HostFileHypercallsTest, EachBitAllowsItsCalls) {
  EXPECT_TRUE(HostFileHypercalls(~uint64_t{0}).empty()) << "no whitelist";
  EXPECT_TRUE(HostFileHypercalls(VIRTINE_BLOCK_ALL).empty());
  EXPECT_TRUE(HostFileHypercalls(VIRTINE_ALLOW_EXIT | VIRTINE_ALLOW_SBRK |
                                 VIRTINE_ALLOW_TIMES)
                  .empty());
  const std::pair<uint64_t, uint64_t> bits[] = {
      {VIRTINE_ALLOW_OPEN, WASP_HC_HOST_OPEN},
      {VIRTINE_ALLOW_READ, WASP_HC_HOST_READ},
      {VIRTINE_ALLOW_WRITE, WASP_HC_HOST_WRITE},
      {VIRTINE_ALLOW_CLOSE, WASP_HC_HOST_CLOSE},
      {VIRTINE_ALLOW_FSTAT, WASP_HC_HOST_FSTAT},
      {VIRTINE_ALLOW_LSEEK, WASP_HC_HOST_LSEEK},
      {VIRTINE_ALLOW_ISATTY, WASP_HC_HOST_ISATTY},
      {VIRTINE_ALLOW_GETTIMEOFDAY, WASP_HC_HOST_GETTIMEOFDAY},
      {VIRTINE_ALLOW_UNLINK, WASP_HC_HOST_UNLINK},
      {VIRTINE_ALLOW_LINK, WASP_HC_HOST_LINK},
  };
  for (auto [bit, number] : bits) {
    EXPECT_EQ(HostFileHypercalls(bit), std::vector<uint64_t>{number}) << bit;
  }
  // VIRTINE_ALLOW_ALL as the pass stores it (bit 63 cleared).
  EXPECT_EQ(HostFileHypercalls(VIRTINE_ALLOW_ALL >> 1).size(), 10u);
}

TEST_F(HostFilesTest, OpensReadsStatsSeeksAndCloses) {
  std::string path = HostFile("served", "hello, host");
  CallFiles files({});
  int64_t fd = Open(files, path);
  ASSERT_GE(fd, 0) << strerror(-fd);
  EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kBuffer, 64), 11);
  EXPECT_EQ(GuestBytes(kBuffer, 11), "hello, host");

  EXPECT_EQ(Serve(files, WASP_HC_HOST_FSTAT, fd, kBuffer), 0);
  wasp_stat st;
  std::memcpy(&st, GuestBytes(kBuffer, sizeof st).data(), sizeof st);
  EXPECT_EQ(st.size, 11);
  EXPECT_TRUE(S_ISREG(st.mode));

  EXPECT_EQ(Serve(files, WASP_HC_HOST_LSEEK, fd, 7, SEEK_SET), 7);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kBuffer, 64), 4);
  EXPECT_EQ(GuestBytes(kBuffer, 4), "host");
  EXPECT_EQ(Serve(files, WASP_HC_HOST_ISATTY, fd), -ENOTTY);

  EXPECT_EQ(Serve(files, WASP_HC_HOST_CLOSE, fd), 0);
  EXPECT_FALSE(IsOpen(fd));
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kBuffer, 1), -EBADF);
  EXPECT_TRUE(files.opened().empty());
}

TEST_F(HostFilesTest, OpenCreatesAndWritesWithTheGuestsFlagsAndMode) {
  std::string path = dir_ + "/created";
  ::unlink(path.c_str());
  CallFiles files({});
  int64_t fd = Open(files, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << strerror(-fd);
  PutString(kBuffer, "written");
  EXPECT_EQ(Serve(files, WASP_HC_HOST_WRITE, fd, kBuffer, 7), 7);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_CLOSE, fd), 0);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 7);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Open(files, dir_ + "/missing"), -ENOENT);
}

TEST_F(HostFilesTest, OnlyGivenOrOpenedDescriptorsAreUsable) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  int other = ::dup(pipe_fds[1]);  // open in the host, not given
  CallFiles files({pipe_fds[1], 1, 2});
  PutString(kBuffer, "x");
  EXPECT_EQ(Serve(files, WASP_HC_HOST_WRITE, pipe_fds[1], kBuffer, 1), 1);
  for (uint64_t fd : {Arg(other), Arg(pipe_fds[0]), Arg(0), Arg(1), Arg(2),
                      Arg(-1), Arg(int64_t{1} << 32)}) {
    EXPECT_EQ(Serve(files, WASP_HC_HOST_WRITE, fd, kBuffer, 1), -EBADF) << fd;
    EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kBuffer, 1), -EBADF) << fd;
    EXPECT_EQ(Serve(files, WASP_HC_HOST_CLOSE, fd), -EBADF) << fd;
    EXPECT_EQ(Serve(files, WASP_HC_HOST_FSTAT, fd, kBuffer), -EBADF) << fd;
    EXPECT_EQ(Serve(files, WASP_HC_HOST_LSEEK, fd, 0, SEEK_SET), -EBADF);
    EXPECT_EQ(Serve(files, WASP_HC_HOST_ISATTY, fd), -EBADF) << fd;
  }
  EXPECT_TRUE(IsOpen(other));
  EXPECT_TRUE(IsOpen(1));
  // A given descriptor may be closed, as a native callee may; then it is
  // no longer the call's.
  EXPECT_EQ(Serve(files, WASP_HC_HOST_CLOSE, pipe_fds[1]), 0);
  EXPECT_FALSE(IsOpen(pipe_fds[1]));
  EXPECT_EQ(Serve(files, WASP_HC_HOST_WRITE, pipe_fds[1], kBuffer, 1), -EBADF);
  ::close(other);
  ::close(pipe_fds[0]);
}

TEST_F(HostFilesTest, TheEndOfACallClosesWhatItOpenedButNotWhatItWasGiven) {
  std::string path = HostFile("leaked", "x");
  int given = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<int> opened;
  {
    CallFiles files({given});
    for (int i = 0; i < 3; ++i) opened.push_back(Open(files, path));
    for (int fd : opened) EXPECT_TRUE(IsOpen(fd)) << fd;
    EXPECT_EQ(files.opened().size(), 3u);
  }
  for (int fd : opened) EXPECT_FALSE(IsOpen(fd)) << fd;
  EXPECT_TRUE(IsOpen(given));
  ::close(given);
}

TEST_F(HostFilesTest, ACallHoldsAtMostkMaxOpenFiles) {
  std::string path = HostFile("many", "x");
  CallFiles files({});
  for (int i = 0; i < kMaxOpenFiles; ++i) ASSERT_GE(Open(files, path), 0);
  EXPECT_EQ(Open(files, path), -EMFILE);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_CLOSE, files.opened().back()), 0);
  EXPECT_GE(Open(files, path), 0);
}

TEST_F(HostFilesTest, PathsMustEndWithinGuestMemoryAndPathMax) {
  CallFiles files({});
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, kMemory + 16, O_RDONLY), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, Arg(-1), O_RDONLY), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, 0, O_RDONLY), -EFAULT);  // null
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, kSystem, O_RDONLY), -EFAULT);
  // No NUL before the end of guest memory.
  std::vector<uint8_t> tail(16, 'a');
  ASSERT_TRUE(memory_.Write(kMemory - tail.size(), tail).ok());
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, kMemory - tail.size(), O_RDONLY),
            -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_UNLINK, kMemory - tail.size()), -EFAULT);
  // No NUL within WASP_PATH_MAX bytes.
  std::vector<uint8_t> long_path(WASP_PATH_MAX, 'a');
  ASSERT_TRUE(memory_.Write(kPath, long_path).ok());
  EXPECT_EQ(Serve(files, WASP_HC_HOST_OPEN, kPath, O_RDONLY), -ENAMETOOLONG);
  EXPECT_TRUE(files.opened().empty());
}

TEST_F(HostFilesTest, BuffersMustLieInGuestMemoryAndWritesInItsWritablePart) {
  std::string path = HostFile("buffers", "0123456789");
  CallFiles files({});
  int64_t fd = Open(files, path);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kMemory - 4, 8), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, Arg(-8), 16), -EFAULT);
  // The host never writes the guest's system area or code.
  EXPECT_EQ(Serve(files, WASP_HC_HOST_READ, fd, kSystem, 4), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_FSTAT, fd, kSystem), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_FSTAT, fd, kMemory - 8), -EFAULT);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_GETTIMEOFDAY, kSystem), -EFAULT);
  EXPECT_FALSE(memory_.host_writes().Contains(kSystem));
  // The host reads the guest's own memory only: not its system area.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  CallFiles given({pipe_fds[1]});
  EXPECT_EQ(Serve(given, WASP_HC_HOST_WRITE, pipe_fds[1], kPath, 4), 4);
  EXPECT_EQ(Serve(given, WASP_HC_HOST_WRITE, pipe_fds[1], kSystem, 4), -EFAULT);
  EXPECT_EQ(Serve(given, WASP_HC_HOST_WRITE, pipe_fds[1], kMemory - 2, 4),
            -EFAULT);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_F(HostFilesTest, LinksAndUnlinks) {
  std::string from = HostFile("from", "x");
  std::string to = dir_ + "/to";
  ::unlink(to.c_str());
  CallFiles files({});
  PutString(kPath, from);
  PutString(kBuffer, to);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_LINK, kPath, kBuffer), 0);
  EXPECT_EQ(::access(to.c_str(), F_OK), 0);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_UNLINK, kBuffer), 0);
  EXPECT_NE(::access(to.c_str(), F_OK), 0);
  EXPECT_EQ(Serve(files, WASP_HC_HOST_UNLINK, kBuffer), -ENOENT);
}

TEST_F(HostFilesTest, GetTimeOfDayGivesTheHostsTime) {
  CallFiles files({});
  EXPECT_EQ(Serve(files, WASP_HC_HOST_GETTIMEOFDAY, kBuffer), 0);
  wasp_timeval tv;
  std::memcpy(&tv, GuestBytes(kBuffer, sizeof tv).data(), sizeof tv);
  EXPECT_NEAR(tv.sec, std::time(nullptr), 5);
  EXPECT_GE(tv.usec, 0);
  EXPECT_LT(tv.usec, 1000000);
}

TEST_F(HostFilesTest, UnknownNumbersAreNotServed) {
  CallFiles files({});
  EXPECT_EQ(Serve(files, WASP_HC_WRITE, kBuffer, 1), -ENOSYS);
}

// The handlers serve the calling thread's current call, and only it.
TEST(HostFileHandlersTest, ServeTheCurrentCallOfTheirThreadOnly) {
  HypercallTable table;
  ASSERT_TRUE(RegisterHostFileHandlers(table).ok());
  for (uint64_t n = WASP_HC_HOST_OPEN; n <= WASP_HC_HOST_LINK; ++n) {
    ASSERT_NE(table.Find(n), nullptr) << n;
  }
  Virtine empty;  // no memory: every address is outside it
  Hypercall now{.number = WASP_HC_HOST_GETTIMEOFDAY, .args = {kBuffer}};
  const HypercallHandler& handler = *table.Find(WASP_HC_HOST_GETTIMEOFDAY);
  EXPECT_EQ(handler(empty, now).value, -EPERM) << "no call";
  CallFiles files({});
  {
    ScopedCallFiles scope(&files);
    EXPECT_EQ(handler(empty, now).value, -EFAULT) << "served";
    int64_t other_thread = 0;
    std::thread([&] { other_thread = handler(empty, now).value; }).join();
    EXPECT_EQ(other_thread, -EPERM);
  }
  EXPECT_EQ(handler(empty, now).value, -EPERM) << "the call ended";
}

}  // namespace
}  // namespace wasp::vcc
