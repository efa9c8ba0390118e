#include "net/access_log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "base/write_all.h"

namespace wasp {
namespace {

constexpr size_t kFlushBytes = 64 << 10;
constexpr absl::Duration kFlushAge = absl::Seconds(1);

bool Printable(unsigned char c) { return c >= ' ' && c < 0x7f; }

// Runs of printable bytes in one append each: a well-formed line is one.
void AppendEscaped(std::string& out, absl::string_view line) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t i = 0;
  while (i < line.size()) {
    size_t run = i;
    while (run < line.size() && Printable(line[run])) ++run;
    out.append(line.data() + i, run - i);
    if (run == line.size()) return;
    unsigned char c = line[run];
    const char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    out.append(escaped, 4);
    i = run + 1;
  }
}

}  // namespace

void AccessLog::Append(absl::string_view peer, absl::Time now,
                       absl::Span<const uint8_t> records) {
  int64_t second = absl::ToUnixSeconds(now);
  if (second != time_second_) {
    time_second_ = second;
    time_text_ = absl::FormatTime(" - - [%d/%b/%Y:%H:%M:%S +0000] ", now,
                                  absl::UTCTimeZone());
  }
  absl::string_view text(reinterpret_cast<const char*>(records.data()),
                         records.size());
  while (!text.empty()) {
    size_t end = text.find('\n');
    absl::string_view line = text.substr(0, end);
    text.remove_prefix(end == absl::string_view::npos ? text.size() : end + 1);
    if (line.empty()) continue;
    buffer_.append(peer.data(), peer.size());
    buffer_.append(time_text_);
    AppendEscaped(buffer_, line);
    buffer_ += '\n';
  }
  if (oldest_ == absl::InfiniteFuture() && !buffer_.empty()) oldest_ = now;
  if (buffer_.size() >= kFlushBytes) Flush(now, /*force=*/true);
}

void AccessLog::Flush(absl::Time now, bool force) {
  if (buffer_.empty() || (!force && now - oldest_ < kFlushAge)) return;
  // A full disk loses log lines, never requests.
  (void)WriteAll(fd_, buffer_.data(), buffer_.size());
  buffer_.clear();
  oldest_ = absl::InfiniteFuture();
}

std::string PeerAddress(int socket) {
  sockaddr_storage storage = {};
  socklen_t length = sizeof storage;
  char text[INET6_ADDRSTRLEN] = "-";
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&storage), &length) !=
      0) {
    return text;
  }
  if (storage.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&storage)->sin_addr,
                text, sizeof text);
  } else if (storage.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr,
                text, sizeof text);
  }
  return text;
}

}  // namespace wasp
