#include "tools/common/admin_metrics.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/common/loopback.h"

namespace wasp {
namespace {

// Reads until the admin endpoint closes (it answers with Connection: close).
absl::StatusOr<std::string> ReadToEnd(int fd) {
  std::string text;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) return absl::ErrnoToStatus(errno, "recv from the admin port");
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

absl::StatusOr<double> MetricSum(absl::string_view text,
                                 absl::string_view family) {
  double sum = 0;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, family) || line.size() <= family.size()) {
      continue;
    }
    char after = line[family.size()];
    if (after != '{' && after != ' ') continue;  // a longer family's name
    size_t space = line.rfind(' ');
    double value;
    if (!absl::SimpleAtod(line.substr(space + 1), &value)) {
      return absl::InvalidArgumentError(absl::StrCat("bad sample: ", line));
    }
    sum += value;
    found = true;
  }
  if (!found) return absl::NotFoundError(absl::StrCat("no ", family));
  return sum;
}

absl::StatusOr<std::string> FetchMetrics(int admin_port) {
  absl::StatusOr<UniqueFd> fd = ConnectLoopback(admin_port);
  if (!fd.ok()) return fd.status();
  timeval timeout = {.tv_sec = 2, .tv_usec = 0};
  ::setsockopt(fd->get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  constexpr absl::string_view kGet =
      "GET /metrics HTTP/1.1\r\nHost: metrics\r\n\r\n";
  if (::send(fd->get(), kGet.data(), kGet.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(kGet.size())) {
    return absl::ErrnoToStatus(errno, "send to the admin port");
  }
  absl::StatusOr<std::string> response = ReadToEnd(fd->get());
  if (!response.ok()) return response.status();
  size_t body = response->find("\r\n\r\n");
  if (!absl::StartsWith(*response, "HTTP/1.1 200") ||
      body == std::string::npos) {
    return absl::UnavailableError("the admin port did not answer 200");
  }
  return response->substr(body + 4);
}

}  // namespace wasp
