// One load connection: its socket, the requests it has in flight (oldest
// first), its response parser and, in an open loop, its schedule.
#ifndef WASP_TOOLS_LOAD_CONNECTION_H_
#define WASP_TOOLS_LOAD_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/unique_fd.h"
#include "tools/load/http_response.h"
#include "tools/load/pacer.h"

namespace wasp::load {

// A request on its way: when it was meant to start (latency counts from
// there), when it was issued (the timeout counts from there), and whether
// it falls in the measured window.
struct InFlight {
  int64_t intended_ns;
  int64_t issued_ns;
  bool counted;
};

// A fixed-capacity FIFO of the requests in flight on one connection.
class InFlightQueue {
 public:
  explicit InFlightQueue(size_t capacity) : slots_(capacity) {}
  size_t size() const { return size_; }
  bool full() const { return size_ == slots_.size(); }
  const InFlight& front() const { return slots_[head_]; }
  void push(InFlight request) {
    slots_[(head_ + size_++) % slots_.size()] = request;
  }
  InFlight pop() {
    InFlight request = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --size_;
    return request;
  }

 private:
  std::vector<InFlight> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

struct Connection {
  static constexpr size_t kReceiveBufferBytes = 16 * 1024;
  // kQueued: waiting for its turn to connect (see connect_queue.h); a
  // kConnecting connection holds one of the connects in flight.
  enum class State { kIdle, kQueued, kConnecting, kOpen, kClosing };

  // The buffer is left uninitialised: pages are touched only as responses
  // fill them, which matters with 10,000 connections.
  Connection(int index, size_t capacity, bool head_requests)
      : index(index),
        requests(capacity),
        parser(head_requests),
        buffer(std::make_unique_for_overwrite<char[]>(kReceiveBufferBytes)) {}

  const int index;
  uint32_t generation = 0;  // bumped when the socket closes
  State state = State::kIdle;
  UniqueFd fd;
  int pending_ops = 0;  // connect, send and receive in the ring
  bool send_pending = false;
  bool recv_pending = false;
  size_t send_total = 0;  // bytes of the send in progress
  size_t send_done = 0;
  InFlightQueue requests;
  size_t unsent = 0;  // the newest requests in the queue, not yet sent
  HttpResponseParser parser;
  uint64_t echo_received = 0;  // bytes of the oldest echo request
  std::optional<Pacer> pacer;  // open loop only
  bool ever_connected = false;
  int64_t connect_started_ns = 0;
  int64_t retry_at_ns = 0;  // after a failed connect
  std::unique_ptr<char[]> buffer;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_CONNECTION_H_
