// --isolation=process: each connection is served by a forked child that
// runs the app with blocking syscalls on its socket, as a classic
// fork-per-connection server does; the worker only waits for the child to
// exit (IoRequest::Kind::kWaitFd on a pidfd).
#ifndef WASP_NET_NATIVE_PROCESS_SESSION_H_
#define WASP_NET_NATIVE_PROCESS_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/native/native_app.h"
#include "net/session.h"

namespace wasp {

// Initialises `app` in this process (once, see InitializeApp): every child
// starts from that state, as every virtine starts from its snapshot. Hands
// out up to `capacity` sessions. first_buffer() is empty: the child reads
// the client's first bytes itself (its wasp_get_arg returns 0 bytes), and a
// socket call that waits longer than `io_timeout` fails with
// -WASP_ETIMEDOUT (zero or infinite: no limit).
//
// `cpu_budget` is the CPU time the child may use between two socket
// operations, as for a virtine (a profiling timer; zero or infinite: none).
// A child dies with the thread that forked it (PR_SET_PDEATHSIG); releasing
// a session whose child still runs kills it and reaps it. Nothing else in
// the process may reap children it did not fork (waitpid(-1, ...)).
absl::StatusOr<std::unique_ptr<SessionPool>> MakeProcessPool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config,
    absl::Duration io_timeout,
    absl::Duration cpu_budget = absl::InfiniteDuration());

}  // namespace wasp

#endif  // WASP_NET_NATIVE_PROCESS_SESSION_H_
