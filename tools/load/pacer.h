// The open-loop schedule of one connection (as in wrk2): request i is due
// at start + i * interval, computed from i rather than accumulated, so the
// schedule does not drift. A request sent late keeps its intended time, and
// its latency is measured from there: a stalled server cannot slow the
// schedule down and hide its own latency (no coordinated omission).
#ifndef WASP_TOOLS_LOAD_PACER_H_
#define WASP_TOOLS_LOAD_PACER_H_

#include <cstdint>
#include <limits>

namespace wasp::load {

class Pacer final {
 public:
  static constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

  // `interval_ns` between requests from `start_ns`; at most `limit`
  // requests. A send more than `late_after_ns` after its intended time
  // counts as late.
  Pacer(int64_t start_ns, double interval_ns, uint64_t limit = kUnlimited,
        int64_t late_after_ns = 1'000'000);

  // When request `i` is due.
  int64_t IntendedNs(uint64_t i) const;
  // When the next request is due (only meaningful if !Exhausted()).
  int64_t NextDueNs() const { return IntendedNs(next_); }
  bool Exhausted() const { return next_ >= limit_; }
  bool Due(int64_t now_ns) const {
    return !Exhausted() && NextDueNs() <= now_ns;
  }
  // Takes the next request, sent at `now_ns`: returns its intended time and
  // accounts for how late it is.
  int64_t Take(int64_t now_ns);
  // Requests already due at `now_ns` but not taken: how far behind it is.
  uint64_t Backlog(int64_t now_ns) const;

  uint64_t taken() const { return next_; }
  uint64_t late_sends() const { return late_sends_; }
  int64_t max_lag_ns() const { return max_lag_ns_; }
  int64_t total_lag_ns() const { return total_lag_ns_; }

 private:
  int64_t start_ns_;
  double interval_ns_;
  uint64_t limit_;
  int64_t late_after_ns_;
  uint64_t next_ = 0;
  uint64_t late_sends_ = 0;
  int64_t max_lag_ns_ = 0;
  int64_t total_lag_ns_ = 0;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_PACER_H_
