// One timer per connection, in a heap: the load loop finds what is due
// without looking at every connection. A connection has at most one live
// entry, the earliest asked for; an entry it no longer wants is skipped when
// it comes up.
#ifndef WASP_TOOLS_LOAD_CONNECTION_TIMERS_H_
#define WASP_TOOLS_LOAD_CONNECTION_TIMERS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

namespace wasp::load {

class ConnectionTimers final {
 public:
  explicit ConnectionTimers(size_t connections) : due_ns_(connections, 0) {}

  // Fires connection `index` at `at_ns` (> 0), unless it fires earlier
  // already.
  void Set(int index, int64_t at_ns);
  // The next connection due by `now_ns`, its timer cleared; nullopt if none.
  std::optional<int> PopDue(int64_t now_ns);
  // When the earliest timer fires; nullopt if none is set.
  std::optional<int64_t> NextNs() const;

 private:
  using Entry = std::pair<int64_t, int>;  // (when, connection index)
  std::vector<int64_t> due_ns_;           // by index; 0: none
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_CONNECTION_TIMERS_H_
