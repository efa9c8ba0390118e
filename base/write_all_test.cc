#include "base/write_all.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace wasp {
namespace {

// More than a pipe holds at once: the writes are short, the whole arrives.
TEST(WriteAllTest, WritesEverythingAcrossShortWrites) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string data(1 << 20, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);
  std::string read_back;
  std::thread reader([&] {
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0)
      read_back.append(chunk, n);
  });
  EXPECT_EQ(WriteAll(fds[1], data.data(), data.size()), data.size());
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(read_back, data);
}

TEST(WriteAllTest, StopsAtAnErrorAndSaysHowFarItGot) {
  errno = 0;
  EXPECT_EQ(WriteAll(-1, "abc", 3), 0u);
  EXPECT_EQ(errno, EBADF);
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  std::string big(1 << 20, 'y');  // more than the pipe's buffer
  size_t written = WriteAll(fds[1], big.data(), big.size());
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, big.size());
  EXPECT_EQ(errno, EAGAIN);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace wasp
