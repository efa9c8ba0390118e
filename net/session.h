// What serves one connection inside a worker: a virtine, native app code in
// a coroutine, or a forked process. A session runs until it needs I/O, which
// the worker performs with io_uring and hands back; it never blocks.
#ifndef WASP_NET_SESSION_H_
#define WASP_NET_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace wasp {

// The next thing a session waits for.
struct IoRequest {
  enum class Kind {
    kRecv,       // receive into `in` (result: bytes, 0 at EOF, -WASP_E*)
    kSend,       // send all of `out` (result: out.size() or -WASP_E*)
    kSendRecv,   // send all of `out`, then receive into `in`
    kSendClose,  // send all of `out`, then close (never resumed)
    kWaitFd,     // wait until `fd` is readable (result: 0)
    kDone,       // the connection is over; close it
  };
  Kind kind = Kind::kDone;
  absl::Span<const uint8_t> out;
  absl::Span<uint8_t> in;
  int fd = -1;

  // For kDone: how the session ended, and why when not normally.
  enum class Ending { kNormal, kFailed, kTimedOut };
  Ending ending = Ending::kNormal;
  std::string failure;

  bool failed() const { return ending != Ending::kNormal; }
};

struct SessionCounters {
  uint64_t exits = 0;  // VM exits so far (virtines only)
};

class Session {
 public:
  virtual ~Session() = default;

  // Where the worker receives the client's first bytes before Start (the
  // virtine's call area: no copy); empty if the session reads its socket
  // itself (process isolation).
  virtual absl::Span<uint8_t> first_buffer() = 0;
  // Starts serving `socket` with `length` first bytes in first_buffer().
  virtual absl::StatusOr<IoRequest> Start(int socket, size_t length) = 0;
  // Continues with the result of the last IoRequest.
  virtual absl::StatusOr<IoRequest> Resume(int64_t result) = 0;
  virtual SessionCounters counters() const { return {}; }
  // Whether the session reads and writes its socket itself (a forked
  // process), so that the worker cannot know what the client got.
  virtual bool does_own_io() const { return false; }

  // Hibernation (virtines of connection-scoped apps). While the session
  // waits to receive, Park() gives its virtine back to its pool and keeps
  // only what it changed since the snapshot (an error: nothing was parked,
  // the session still holds its virtine); Unpark() restores that into
  // any free virtine (ResourceExhausted when none is free) and returns the
  // pending receive again, on the new virtine's memory.
  virtual bool can_park() const { return false; }
  virtual absl::Status Park() {
    return absl::UnimplementedError("this session cannot park");
  }
  virtual absl::StatusOr<IoRequest> Unpark() {
    return absl::UnimplementedError("this session cannot park");
  }
  // Host memory a parked session holds.
  virtual size_t parked_bytes() const { return 0; }
};

// Makes and takes back the sessions of one worker; each worker has its own.
class SessionPool {
 public:
  virtual ~SessionPool() = default;
  // A session for a new connection; ResourceExhausted when all are in use.
  virtual absl::StatusOr<std::unique_ptr<Session>> Acquire() = 0;
  // Takes a finished session back (a virtine is reset and reused); an error
  // means what it held could not be reset and was discarded.
  virtual absl::Status Release(std::unique_ptr<Session> session) = 0;
  // Sessions holding a virtine (or stack, or process) now; parked ones
  // hold none.
  virtual size_t in_use() const = 0;
  virtual size_t capacity() const = 0;
  // Whether Release() resets what it takes back for reuse (a pooled
  // virtine), rather than destroying it or having nothing to reset.
  virtual bool resets() const { return false; }
};

}  // namespace wasp

#endif  // WASP_NET_SESSION_H_
