// The worker's per-connection state and its completion tags; private to
// worker*.cc.
#ifndef WASP_NET_WORKER_CONNECTION_H_
#define WASP_NET_WORKER_CONNECTION_H_

#include <linux/time_types.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/unique_fd.h"
#include "base/user_data.h"
#include "net/request_input.h"
#include "net/session.h"
#include "net/worker.h"

namespace wasp {

// What a completion is for: the tag of its user_data (base/user_data.h),
// whose slot is the connection's index.
enum Tag : uint8_t {
  kTagWake = 1,
  kTagAccept,
  kTagReadable,         // request-scoped: the client sent something
  kTagOutput,           // request-scoped: the rest of a response went out
  kTagSessionReadable,  // sessions: the client sent something
  kTagRecv,
  kTagSend,
  kTagWait,
  kTagTimeout,
};

inline uint64_t Pack(Tag tag, size_t index, uint32_t generation) {
  return PackUserData({.tag = tag,
                       .slot = static_cast<uint32_t>(index),
                       .generation = generation});
}

inline constexpr size_t kMaxConnectionsPerWorker = kUserDataSlots - 1;

// What an HTTP client is told when its request fails or waits too long
// (Worker::Refuse sends them only with WorkerOptions::http_errors).
inline constexpr char kInternalError[] =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
    "Connection: close\r\n\r\n";
inline constexpr char kBusy[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
    "Retry-After: 1\r\nConnection: close\r\n\r\n";

enum class Worker::State : uint8_t {
  kFree,
  kReading,  // request-scoped: waiting for the client, nothing held
  kQueued,   // waiting for a free handler or session
  kRunning,  // a handler runs its requests (within one call)
  kSending,  // request-scoped: the rest of a response, nothing held
  kSession,  // holds a session (or, in kReading, has one hibernated)
};

// A connection served by a session: what the worker keeps of it.
struct Worker::SessionSlot {
  std::unique_ptr<Session> session;
  IoRequest request;
  size_t sent = 0;
  // A receive result already known (end of stream or an error on the
  // first receive), returned at the next receive instead of waiting again.
  std::optional<int64_t> pending_recv;
  // The result a hibernated session wakes up to instead of receiving (its
  // deadline passed).
  std::optional<int64_t> wake_result;
  size_t parked_bytes = 0;  // while hibernated
  bool responded = false;
};

struct Worker::Connection {
  State state = State::kFree;
  uint32_t generation = 0;
  UniqueFd socket;
  // The request being received must arrive whole by then, however the
  // client trickles it in (from the connection's start or last response).
  absl::Time deadline;
  __kernel_timespec timeout = {};  // of the pending operation's link

  std::string peer;  // the client's address, when there is an access log

  // Request-scoped.
  PendingInput input;
  uint32_t input_flags = 0;  // WASP_INPUT_* for the next run
  bool close_after_output = false;
  bool answered = false;      // the last run sent a response
  std::vector<iovec> unsent;  // what the socket did not take at once
  std::string copied;         // the part of it that could not stay in place

  // Sessions.
  std::unique_ptr<SessionSlot> slot;
};

}  // namespace wasp

#endif  // WASP_NET_WORKER_CONNECTION_H_
