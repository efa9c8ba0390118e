// The access log. An app writes one record per answered request (the
// combined format after the client's address and time, see struct
// wasp_request_area); the worker puts the address and time in front and
// keeps whole lines in its own buffer, written with one write() once it is
// large or a second old: a copy per request on the hot path, not a syscall.
#ifndef WASP_NET_ACCESS_LOG_H_
#define WASP_NET_ACCESS_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace wasp {

class AccessLog final {
 public:
  // Lines go to `fd` (a file opened with O_APPEND, or stderr); not owned.
  explicit AccessLog(int fd) : fd_(fd) {}
  ~AccessLog() { Flush(absl::Now(), /*force=*/true); }
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // The records of one run for a client at `peer`: every line gets the
  // prefix, so an app cannot forge another client's; bytes outside
  // printable ASCII become \xHH.
  void Append(absl::string_view peer, absl::Time now,
              absl::Span<const uint8_t> records);
  // Writes the buffer when it is large, a second old, or `force`.
  void Flush(absl::Time now, bool force = false);

 private:
  const int fd_;
  std::string buffer_;
  absl::Time oldest_ = absl::InfiniteFuture();
  int64_t time_second_ = -1;
  std::string time_text_;  // "[29/Nov/2026:21:21:11 +0000]" of that second
};

// "127.0.0.1" or "::1" of a connected socket; "-" if unknown.
std::string PeerAddress(int socket);

}  // namespace wasp

#endif  // WASP_NET_ACCESS_LOG_H_
