// The bytes a request-scoped connection has received but had no answer to,
// and when they are worth a run (the wake condition of struct
// wasp_request_area). Shared by the worker and the forked children of
// --isolation=process. While a connection waits with nothing kept, this
// holds no buffer at all.
#ifndef WASP_NET_REQUEST_INPUT_H_
#define WASP_NET_REQUEST_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/types/span.h"
#include "net/request_handler.h"

namespace wasp {

class PendingInput final {
 public:
  // How many bytes the next receive may take for input buffers of
  // `capacity` bytes.
  size_t Room(size_t capacity) const {
    return capacity > kept_.size() ? capacity - kept_.size() : 0;
  }
  // New bytes from the client: those still to skip are dropped, the rest
  // kept.
  void Add(absl::Span<const uint8_t> bytes);
  // Whether a run is due for input buffers of `capacity` bytes.
  bool Due(size_t capacity) const;
  // A full input that the last run could not make progress on: the app can
  // never answer it.
  bool Stuck(size_t capacity) const {
    return kept_.size() >= capacity && !progressed_;
  }
  // The input of the next run.
  absl::Span<const uint8_t> bytes() const {
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(kept_.data()),
                               kept_.size());
  }
  // After a run over bytes(): keeps what it did not consume, less what it
  // said to skip, and its wake condition.
  void AfterRun(const RunResult& result);

  bool empty() const { return kept_.empty(); }
  size_t size() const { return kept_.size(); }
  uint64_t skip() const { return skip_; }

 private:
  std::string kept_;
  uint64_t skip_ = 0;
  uint32_t wake_byte_ = WASP_WAKE_ANY;
  uint32_t wake_len_ = 0;
  bool waiting_for_byte_ = false;
  // The last run answered nothing and consumed nothing: it runs again only
  // with new bytes, however the wake condition reads.
  bool needs_new_bytes_ = false;
  bool progressed_ = true;
};

}  // namespace wasp

#endif  // WASP_NET_REQUEST_INPUT_H_
