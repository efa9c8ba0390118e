#include "net/access_log.h"

#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace wasp {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  return out;
}

TEST(AccessLogTest, PrefixesEveryLineAndEscapes) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  absl::Time when = absl::FromUnixSeconds(784111777);
  {
    AccessLog log(pipe_fds[1]);
    log.Append("127.0.0.1", when,
               Bytes("\"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n"
                     "\"GET /x HTTP/1.1\" 404 14 \"-\" \"a\x01"
                     "b\"\n"));
    // An app cannot forge a line of another client: each line is prefixed.
    log.Append("::1", when, Bytes("forged\n10.0.0.1 - - [x] \"GET\"\n"));
    log.Flush(when);  // not a second old yet: nothing is written
  }                   // the destructor writes the rest
  ::close(pipe_fds[1]);
  std::string text = ReadAll(pipe_fds[0]);
  ::close(pipe_fds[0]);
  const std::string prefix = " - - [06/Nov/1994:08:49:37 +0000] ";
  EXPECT_EQ(text, "127.0.0.1" + prefix +
                      "\"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n" +
                      "127.0.0.1" + prefix +
                      "\"GET /x HTTP/1.1\" 404 14 \"-\" \"a\\x01b\"\n" + "::1" +
                      prefix + "forged\n" + "::1" + prefix +
                      "10.0.0.1 - - [x] \"GET\"\n");
}

TEST(AccessLogTest, WritesOnceASecondOld) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  AccessLog log(pipe_fds[1]);
  absl::Time start = absl::FromUnixSeconds(1000);
  log.Append("1.2.3.4", start, Bytes("\"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n"));
  log.Flush(start + absl::Milliseconds(500));
  log.Flush(start + absl::Milliseconds(1500));
  ::close(pipe_fds[1]);
  EXPECT_NE(ReadAll(pipe_fds[0]).find("1.2.3.4 - - ["), std::string::npos);
  ::close(pipe_fds[0]);
}

}  // namespace
}  // namespace wasp
