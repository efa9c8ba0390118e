#include "tools/bench/scale/probes.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace wasp::scale {
namespace {

// The head the slow clients send, byte by byte, header lines for ever.
constexpr absl::string_view kSlowHead =
    "GET /hello.txt HTTP/1.1\r\nHost: slow\r\nX-Slow: 1\r\n";

absl::StatusOr<UniqueFd> Connect(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "socket");
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address),
                sizeof address) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("connect to port ", port));
  }
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

absl::StatusOr<uint64_t> SumKiB(const std::vector<pid_t>& pids,
                                const char* file, absl::string_view field) {
  uint64_t total = 0;
  for (pid_t pid : pids) {
    absl::StatusOr<uint64_t> kib =
        ProcKiB(absl::StrCat("/proc/", pid, "/", file), field);
    if (!kib.ok()) return kib.status();
    total += *kib;
  }
  return total;
}

}  // namespace

absl::StatusOr<uint64_t> ProcKiB(const std::string& path,
                                 absl::string_view field) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string line;
  while (std::getline(file, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, field) ||
        !absl::ConsumePrefix(&rest, ":")) {
      continue;
    }
    rest = absl::StripAsciiWhitespace(rest);
    if (!absl::ConsumeSuffix(&rest, "kB")) break;
    uint64_t value;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &value)) {
      return value;
    }
    break;
  }
  return absl::NotFoundError(absl::StrCat("no ", field, " in kB in ", path));
}

absl::StatusOr<uint64_t> ResidentKiB(const std::vector<pid_t>& pids) {
  return SumKiB(pids, "status", "VmRSS");
}

absl::StatusOr<uint64_t> ProportionalKiB(const std::vector<pid_t>& pids) {
  return SumKiB(pids, "smaps_rollup", "Pss");
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return children;
  while (dirent* entry = ::readdir(proc)) {
    pid_t pid;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)),
                     std::istreambuf_iterator<char>());
    // pid (comm) state ppid ...: comm may hold spaces, so from the last ')'.
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields =
        absl::StrSplit(text.substr(close + 2), ' ');
    pid_t ppid;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &ppid) &&
        ppid == parent) {
      children.push_back(pid);
    }
  }
  ::closedir(proc);
  return children;
}

absl::StatusOr<std::vector<UniqueFd>> OpenIdleConnections(
    int port, int count, const std::string& request,
    const std::string& expect) {
  std::vector<UniqueFd> open;
  open.reserve(count);
  std::string answer(expect.size(), '\0');
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<UniqueFd> fd = Connect(port);
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
        absl::StatusOr<UniqueFd> fd = Connect(port);
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
