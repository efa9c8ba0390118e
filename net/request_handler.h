// What answers a request-scoped connection's requests: a virtine or native
// app code, lent to the connection for one run (see struct
// wasp_request_area in guest/abi/hypercall.h) and returned to its pool at
// once. A connection waiting on the network holds none.
#ifndef WASP_NET_REQUEST_HANDLER_H_
#define WASP_NET_REQUEST_HANDLER_H_

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "guest/abi/hypercall.h"

namespace wasp {

// What a run made of its input, decoded and checked once. Host failures are
// the Status of Run(); what the app did is this value.
struct RunResult {
  enum class Outcome {
    kAnswered,  // the fields below hold
    kFailed,    // fault, nonzero exit, bad area: close the connection
    kTimedOut,  // CPU budget exceeded: close the connection
  };
  Outcome outcome = Outcome::kFailed;
  std::string failure;
  // Host memory, valid until the handler is released.
  std::vector<iovec> output;
  size_t consumed = 0;  // at most the run's input length
  uint64_t skip = 0;
  uint32_t wake_byte = WASP_WAKE_ANY;
  uint32_t wake_len = 0;
  bool close = false;
  // Access log records (host memory, valid until the handler is released).
  absl::Span<const uint8_t> log;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Answers the requests in `input` (at most the pool's input_capacity()
  // bytes); `flags` are WASP_INPUT_*.
  virtual absl::StatusOr<RunResult> Run(absl::Span<const uint8_t> input,
                                        uint32_t flags) = 0;
  // Bytes of the last output that stay valid after Release() (a virtine's
  // unwritten snapshot pages, shared by its pool), so that what the socket
  // did not take at once can be sent later without a copy; empty if they
  // must be copied.
  virtual absl::Span<const uint8_t> Persistent(
      absl::Span<const uint8_t> /*bytes*/) {
    return {};
  }
  // VM exits of the last run (0 for native code).
  virtual uint64_t exits() const { return 0; }
};

// One worker's handlers; used by that worker's thread only.
class RequestHandlerPool {
 public:
  virtual ~RequestHandlerPool() = default;
  // A free handler; ResourceExhausted when all are lent.
  virtual absl::StatusOr<RequestHandler*> Acquire() = 0;
  // Takes a handler back and resets it for the next connection; an error
  // means it could not be reset and was discarded (and replaced when
  // possible).
  virtual absl::Status Release(RequestHandler* handler) = 0;
  virtual size_t in_use() const = 0;
  virtual size_t capacity() const = 0;
  // The most input bytes a run takes.
  virtual size_t input_capacity() const = 0;
  // Whether Release() resets the handler for reuse (a pooled virtine),
  // rather than destroying it or having nothing to reset.
  virtual bool resets() const { return false; }
};

}  // namespace wasp

#endif  // WASP_NET_REQUEST_HANDLER_H_
