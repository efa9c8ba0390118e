// The kinds of traffic a soak sends and how each exchange ended, counted
// per kind by every thread that sends some.
#ifndef WASP_TOOLS_SOAK_TRAFFIC_H_
#define WASP_TOOLS_SOAK_TRAFFIC_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wasp::soak {

enum class TrafficKind {
  kKeepAlive,     // wasp-load, open loop at a fraction of the maximum
  kClose,         // wasp-load --keepalive=false
  kPipelined,     // wasp-load --pipeline=4
  kSlowReader,    // a large file read a few KiB at a time
  kReset,         // half a request, then an RST (SO_LINGER 0)
  kOversized,     // headers past the limit: 431, then the server closes
  kHostileFault,  // "FAULT" to the hostile app: the connection closes
  kHostileLoop,   // "LOOP": closed once the CPU budget runs out
  kHostileEcho,   // a normal request to the hostile app: echoed
};
inline constexpr size_t kTrafficKinds = 9;

// "keepalive", "close", ...: CSV column prefixes and report names.
absl::string_view KindName(TrafficKind kind);
TrafficKind KindAt(size_t index);

// How one exchange ended: as it should (`kOk`), with the error the kind
// provokes on purpose and the server handled as it must (`kExpected`: a
// 431 and a close, a hostile connection closed), or anything else.
enum class Outcome { kOk, kExpected, kUnexpected };

struct KindCounts {
  uint64_t ok = 0;
  uint64_t expected = 0;
  uint64_t unexpected = 0;
};
using AllCounts = std::array<KindCounts, kTrafficKinds>;

// Thread-safe counts per kind, plus the first unexpected outcomes' details.
class TrafficCounters final {
 public:
  static constexpr size_t kDetailsKept = 20;

  void Add(TrafficKind kind, Outcome outcome, uint64_t n = 1);
  // Counts it, and keeps `detail` if fewer than kDetailsKept were kept.
  void AddUnexpected(TrafficKind kind, uint64_t n, const std::string& detail);
  AllCounts Snapshot() const;
  std::vector<std::string> Details() const;

 private:
  struct Atomic {
    std::atomic<uint64_t> ok{0}, expected{0}, unexpected{0};
  };
  std::array<Atomic, kTrafficKinds> counts_;
  // A std::mutex, whose synchronisation ThreadSanitizer sees.
  mutable std::mutex mutex_;
  std::vector<std::string> details_;  // guarded by mutex_
};

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_TRAFFIC_H_
