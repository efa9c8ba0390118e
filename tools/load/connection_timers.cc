#include "tools/load/connection_timers.h"

namespace wasp::load {

void ConnectionTimers::Set(int index, int64_t at_ns) {
  int64_t& due = due_ns_[index];
  if (due != 0 && due <= at_ns) return;
  due = at_ns;
  heap_.push({at_ns, index});
}

std::optional<int> ConnectionTimers::PopDue(int64_t now_ns) {
  while (!heap_.empty() && heap_.top().first <= now_ns) {
    auto [at, index] = heap_.top();
    heap_.pop();
    if (due_ns_[index] != at) continue;  // superseded by an earlier one
    due_ns_[index] = 0;
    return index;
  }
  return std::nullopt;
}

std::optional<int64_t> ConnectionTimers::NextNs() const {
  // A stale top is at most early: the loop wakes, finds nothing, waits again.
  if (heap_.empty()) return std::nullopt;
  return heap_.top().first;
}

}  // namespace wasp::load
