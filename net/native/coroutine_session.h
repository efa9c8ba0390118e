// --isolation=none: the app runs in the worker's thread, one coroutine per
// connection. Its socket calls suspend the coroutine with an IoRequest that
// the worker performs on its io_uring, as it does for a virtine: the same
// app code and the same event loop, without any isolation. A fault in the
// app (a bad pointer, a stack overflow into the guard page) takes the whole
// server down.
#ifndef WASP_NET_NATIVE_COROUTINE_SESSION_H_
#define WASP_NET_NATIVE_COROUTINE_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "net/native/native_app.h"
#include "net/session.h"

namespace wasp {

// Each connection's stack (a guard page below it); stacks are reused.
inline constexpr size_t kCoroutineStackBytes = 128 << 10;

// Initialises `app` (once per process, see InitializeApp) and hands out up
// to `capacity` sessions. first_buffer() is the session's own
// WASP_CALL_ARG_MAX bytes, which wasp_get_arg copies from. A session may be
// released at any point once no I/O of it is in flight (its buffers are on
// its stack and heap): a suspended app is dropped, and the blocks it had
// from wasp_malloc are freed, as they are when it ends.
absl::StatusOr<std::unique_ptr<SessionPool>> MakeCoroutinePool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config);

}  // namespace wasp

#endif  // WASP_NET_NATIVE_COROUTINE_SESSION_H_
