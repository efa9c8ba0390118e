// The turn of connections waiting to connect. Only so many connects may be
// in flight at once (SYN sent, no answer yet): a burst of 10,000 would
// overrun the server's SYN and accept queues (its listen backlog: 4,096 for
// wasp-server, 511 for nginx), and a dropped SYN is retried only after 1 s,
// then 3 s. Capped, a server that falls behind sees at most that many SYNs
// waiting; the others wait here and go as soon as it answers.
#ifndef WASP_TOOLS_LOAD_CONNECT_QUEUE_H_
#define WASP_TOOLS_LOAD_CONNECT_QUEUE_H_

#include <cstdint>
#include <deque>
#include <optional>

namespace wasp::load {

class ConnectQueue final {
 public:
  // A connection that waits, as it was when it joined (`generation` tells
  // whether it closed meanwhile).
  struct Waiter {
    int index;
    uint32_t generation;
  };

  explicit ConnectQueue(int max_in_flight) : max_in_flight_(max_in_flight) {}

  // Whether a connect may start now: a slot is free and nobody waits.
  bool MayStart() const {
    return in_flight_ < max_in_flight_ && waiting_.empty();
  }
  void Wait(Waiter waiter) { waiting_.push_back(waiter); }
  // A connect started: it holds a slot until Done().
  void Started() { ++in_flight_; }
  // The connect completed, failed or was given up.
  void Done() { --in_flight_; }
  // The next waiter, if a slot is free; the caller starts it (Started()) or
  // drops it.
  std::optional<Waiter> Next() {
    if (in_flight_ >= max_in_flight_ || waiting_.empty()) return std::nullopt;
    Waiter next = waiting_.front();
    waiting_.pop_front();
    return next;
  }
  int in_flight() const { return in_flight_; }
  size_t waiting() const { return waiting_.size(); }

 private:
  const int max_in_flight_;
  int in_flight_ = 0;
  std::deque<Waiter> waiting_;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_CONNECT_QUEUE_H_
