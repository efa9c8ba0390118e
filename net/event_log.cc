#include "net/event_log.h"

#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"

namespace wasp {
namespace {

constexpr int kLinesPerSecond = 10;

}  // namespace

void LogEvent(std::string_view line) {
  static std::mutex mu;  // seen by ThreadSanitizer, unlike absl::Mutex
  static absl::Time window;
  static int lines = 0, dropped = 0;
  std::lock_guard lock(mu);
  absl::Time now = absl::Now();
  if (now - window >= absl::Seconds(1)) {
    if (dropped > 0) {
      std::fprintf(stderr, "wasp-server: %d more events not logged\n", dropped);
    }
    window = now;
    lines = dropped = 0;
  }
  if (++lines > kLinesPerSecond) {
    ++dropped;
    return;
  }
  std::fprintf(stderr, "wasp-server: %.*s\n", static_cast<int>(line.size()),
               line.data());
}

}  // namespace wasp
