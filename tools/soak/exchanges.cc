#include "tools/soak/exchanges.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/unique_fd.h"
#include "tools/common/loopback.h"

namespace wasp::soak {
namespace {

// How long any answer may take: a LOOP is cut off after a 100 ms budget.
constexpr int kReceiveTimeoutS = 10;
// Past HTTP_HEADERS_MAX (16 KiB) of guest/apps/http/http_parse.h.
constexpr size_t kOversizedHeader = 17 * 1024;

Exchange Ok() { return {.outcome = Outcome::kOk}; }
Exchange Expected() { return {.outcome = Outcome::kExpected}; }
Exchange Unexpected(std::string detail) {
  return {.outcome = Outcome::kUnexpected, .detail = std::move(detail)};
}
Exchange Unexpected(const absl::Status& status) {
  return Unexpected(std::string(status.message()));
}

absl::StatusOr<UniqueFd> Connect(int port, int receive_buffer = 0) {
  absl::StatusOr<UniqueFd> fd = ConnectLoopback(port, receive_buffer);
  if (!fd.ok()) return fd.status();
  timeval timeout = {.tv_sec = kReceiveTimeoutS, .tv_usec = 0};
  ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd->get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return fd;
}

absl::Status SendAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return absl::ErrnoToStatus(errno, "send");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Appends what one receive got; 0 at the end of the stream. Aborted for a
// reset, DeadlineExceeded when nothing came within kReceiveTimeoutS.
absl::StatusOr<size_t> ReceiveSome(int fd, std::string& into, size_t most) {
  size_t had = into.size();
  into.resize(had + most);
  ssize_t n = ::recv(fd, into.data() + had, most, 0);
  int err = errno;
  into.resize(had + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (n < 0 && err == ECONNRESET) {
    return absl::AbortedError("connection reset by the server");
  }
  if (n < 0 && err == EAGAIN) {
    return absl::DeadlineExceededError("no answer within 10 s");
  }
  if (n < 0) return absl::ErrnoToStatus(err, "recv");
  return static_cast<size_t>(n);
}

// Everything until the server closes.
absl::StatusOr<std::string> ReceiveToEnd(int fd) {
  std::string text;
  for (;;) {
    absl::StatusOr<size_t> n = ReceiveSome(fd, text, 4096);
    if (!n.ok()) {
      return absl::Status(
          n.status().code(),
          absl::StrCat(n.status().message(), " after ", text.size(), " bytes"));
    }
    if (*n == 0) return text;
  }
}

// The Content-Length of a 200 response's `head` (its last line's CRLF
// included).
absl::StatusOr<size_t> OkContentLength(absl::string_view head) {
  if (!absl::StartsWith(head, "HTTP/1.1 200 ")) {
    return absl::DataLossError(
        absl::StrCat("not a 200: ", head.substr(0, head.find('\r'))));
  }
  constexpr absl::string_view kField = "\r\nContent-Length:";
  size_t at = head.find(kField);
  size_t length;
  if (at == absl::string_view::npos ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(head.substr(
                            at + kField.size(),
                            head.find('\r', at + 2) - at - kField.size())),
                        &length)) {
    return absl::DataLossError("no Content-Length");
  }
  return length;
}

// Receives until the body holds `size` bytes, then checks every one.
Exchange ReadBody(int fd, const SlowRead& read, std::string body) {
  const std::string expected = LargeFileBody(read.size);
  while (body.size() < read.size) {
    absl::SleepFor(read.pause);
    size_t had = body.size();
    absl::StatusOr<size_t> n =
        ReceiveSome(fd, body, std::min(read.chunk, read.size - had));
    if (!n.ok()) return Unexpected(n.status());
    if (*n == 0) {
      return Unexpected(
          absl::StrCat("closed after ", had, " of ", read.size, " body bytes"));
    }
  }
  if (body != expected) {
    size_t first = 0;
    while (first < body.size() && body[first] == expected[first]) ++first;
    return Unexpected(absl::StrCat("body differs from byte ", first));
  }
  return Ok();
}

}  // namespace

std::string LargeFileBody(size_t size) {
  std::string body(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    body[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  }
  return body;
}

Exchange ReadSlowly(int port, const SlowRead& read) {
  absl::StatusOr<UniqueFd> fd = Connect(port, read.receive_buffer);
  if (!fd.ok()) return Unexpected(fd.status());
  absl::Status sent = SendAll(
      fd->get(),
      absl::StrCat("GET ", read.path, " HTTP/1.1\r\nHost: soak\r\n\r\n"));
  if (!sent.ok()) return Unexpected(sent);
  std::string text;
  size_t head_end;
  while ((head_end = text.find("\r\n\r\n")) == std::string::npos) {
    absl::StatusOr<size_t> n = ReceiveSome(fd->get(), text, read.chunk);
    if (!n.ok()) return Unexpected(n.status());
    if (*n == 0) return Unexpected("closed before the response head ended");
  }
  absl::StatusOr<size_t> length =
      OkContentLength(absl::string_view(text).substr(0, head_end + 2));
  if (!length.ok()) return Unexpected(length.status());
  if (*length != read.size) {
    return Unexpected(
        absl::StrCat("Content-Length ", *length, ", not ", read.size));
  }
  return ReadBody(fd->get(), read, text.substr(head_end + 4));
}

Exchange HalfRequestThenReset(int port) {
  absl::StatusOr<UniqueFd> fd = Connect(port);
  if (!fd.ok()) return Unexpected(fd.status());
  absl::Status sent = SendAll(
      fd->get(), "GET /hello.txt HTTP/1.1\r\nHost: soak\r\nX-Partial: ");
  if (!sent.ok()) return Unexpected(sent);
  // Long enough for the server to receive the half and run it.
  absl::SleepFor(absl::Milliseconds(5));
  linger reset = {.l_onoff = 1, .l_linger = 0};
  if (::setsockopt(fd->get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) !=
      0) {
    return Unexpected(absl::ErrnoToStatus(errno, "SO_LINGER"));
  }
  return Expected();  // the close in UniqueFd's destructor sends the RST
}

Exchange OversizedHeaders(int port) {
  absl::StatusOr<UniqueFd> fd = Connect(port);
  if (!fd.ok()) return Unexpected(fd.status());
  absl::Status sent =
      SendAll(fd->get(),
              absl::StrCat("GET /hello.txt HTTP/1.1\r\nHost: soak\r\nX-Big: ",
                           std::string(kOversizedHeader, 'x'), "\r\n\r\n"));
  if (!sent.ok()) return Unexpected(sent);
  absl::StatusOr<std::string> answer = ReceiveToEnd(fd->get());
  if (!answer.ok()) return Unexpected(answer.status());
  if (!absl::StartsWith(*answer, "HTTP/1.1 431 ")) {
    return Unexpected(absl::StrCat(
        "answered `", answer->substr(0, answer->find('\r')), "`, not 431"));
  }
  return Expected();
}

Exchange HostileMisbehaves(int port, absl::string_view command) {
  absl::StatusOr<UniqueFd> fd = Connect(port);
  if (!fd.ok()) return Unexpected(fd.status());
  absl::Status sent = SendAll(fd->get(), command);
  if (!sent.ok()) return Unexpected(sent);
  absl::StatusOr<std::string> answer = ReceiveToEnd(fd->get());
  // A close with our bytes unread by the app may come as an RST.
  if (absl::IsAborted(answer.status())) return Expected();
  if (!answer.ok()) return Unexpected(answer.status());
  if (!answer->empty()) {
    return Unexpected(
        absl::StrCat(command, " was answered `", answer->substr(0, 40), "`"));
  }
  return Expected();
}

Exchange HostileEcho(int port, const std::string& payload) {
  absl::StatusOr<UniqueFd> fd = Connect(port);
  if (!fd.ok()) return Unexpected(fd.status());
  absl::Status sent = SendAll(fd->get(), payload);
  if (!sent.ok()) return Unexpected(sent);
  std::string answer;
  while (answer.size() < payload.size()) {
    absl::StatusOr<size_t> n =
        ReceiveSome(fd->get(), answer, payload.size() - answer.size());
    if (!n.ok()) return Unexpected(n.status());
    if (*n == 0) break;
  }
  if (answer != payload) {
    return Unexpected(
        absl::StrCat("echoed `", answer, "` for `", payload, "`"));
  }
  return Ok();
}

}  // namespace wasp::soak
