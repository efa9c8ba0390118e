#include "tools/bench/scale/probes.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "tools/common/loopback.h"

namespace wasp::scale {
namespace {

// The head the slow clients send, byte by byte, header lines for ever.
constexpr absl::string_view kSlowHead =
    "GET /hello.txt HTTP/1.1\r\nHost: slow\r\nX-Slow: 1\r\n";

}  // namespace

absl::StatusOr<std::vector<UniqueFd>> OpenIdleConnections(
    int port, int count, const std::string& request,
    const std::string& expect) {
  std::vector<UniqueFd> open;
  open.reserve(count);
  std::string answer(expect.size(), '\0');
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<UniqueFd> fd = ConnectLoopback(port);
    if (!fd.ok()) return fd.status();
    if (::send(fd->get(), request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return absl::ErrnoToStatus(errno, absl::StrCat("send on connection ", i));
    }
    size_t got = 0;
    while (got < answer.size()) {
      ssize_t n =
          ::recv(fd->get(), answer.data() + got, answer.size() - got, 0);
      if (n <= 0) {
        return absl::UnavailableError(
            absl::StrCat("connection ", i, " ended before its answer"));
      }
      got += static_cast<size_t>(n);
    }
    if (answer != expect) {
      return absl::DataLossError(absl::StrCat("connection ", i, " got `",
                                              answer, "`, not `", expect, "`"));
    }
    open.push_back(*std::move(fd));
  }
  return open;
}

SlowClients::SlowClients(int port, int count, absl::Duration interval)
    : thread_(&SlowClients::Run, this, port, count, interval) {}

SlowClients::~SlowClients() {
  stop_ = true;
  thread_.join();
}

void SlowClients::Run(int port, int count, absl::Duration interval) {
  struct Client {
    UniqueFd fd;
    size_t next = 0;  // of kSlowHead, then its last line again and again
  };
  std::vector<Client> clients(count);
  const absl::Duration step = interval / std::max(count, 1);
  const size_t repeat_from = kSlowHead.rfind("X-Slow");
  while (!stop_) {
    for (Client& client : clients) {
      if (stop_) return;
      if (!client.fd.valid()) {
        absl::StatusOr<UniqueFd> fd = ConnectLoopback(port);
        if (!fd.ok()) continue;
        client = Client{.fd = *std::move(fd)};
        ++connects_;
      }
      char byte = kSlowHead[client.next];
      if (::send(client.fd.get(), &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
        client.fd.reset();  // answered (408) and closed: open another
        continue;
      }
      ++bytes_sent_;
      if (++client.next == kSlowHead.size()) client.next = repeat_from;
      absl::SleepFor(step);
    }
  }
}

}  // namespace wasp::scale
