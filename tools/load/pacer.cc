#include "tools/load/pacer.h"

#include <algorithm>
#include <cmath>

namespace wasp::load {

Pacer::Pacer(int64_t start_ns, double interval_ns, uint64_t limit,
             int64_t late_after_ns)
    : start_ns_(start_ns),
      interval_ns_(std::max(interval_ns, 0.0)),
      limit_(limit),
      late_after_ns_(late_after_ns) {}

int64_t Pacer::IntendedNs(uint64_t i) const {
  return start_ns_ + static_cast<int64_t>(
                         std::llround(static_cast<double>(i) * interval_ns_));
}

int64_t Pacer::Take(int64_t now_ns) {
  int64_t intended = IntendedNs(next_++);
  int64_t lag = std::max<int64_t>(now_ns - intended, 0);
  if (lag > late_after_ns_) ++late_sends_;
  max_lag_ns_ = std::max(max_lag_ns_, lag);
  total_lag_ns_ += lag;
  return intended;
}

uint64_t Pacer::Backlog(int64_t now_ns) const {
  if (Exhausted() || now_ns < NextDueNs()) return 0;
  // Requests 0..k are due, where k is the last with IntendedNs(k) <= now.
  uint64_t due =
      interval_ns_ <= 0
          ? limit_
          : static_cast<uint64_t>(static_cast<double>(now_ns - start_ns_) /
                                  interval_ns_) +
                1;
  while (due > next_ && IntendedNs(due - 1) > now_ns) --due;
  while (due < limit_ && IntendedNs(due) <= now_ns) ++due;
  return std::min(due, limit_) - next_;
}

}  // namespace wasp::load
