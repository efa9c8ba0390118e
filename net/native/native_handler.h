// --isolation=none for request-scoped apps: a run calls the app's handle()
// in the worker's thread, on its stack (wasp_exit or a runtime fault ends
// just that run). A connection holds no stack and no buffer between runs;
// the pool's handlers are lent per run.
#ifndef WASP_NET_NATIVE_NATIVE_HANDLER_H_
#define WASP_NET_NATIVE_NATIVE_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "net/native/native_app.h"
#include "net/request_handler.h"

namespace wasp {

// Initialises `app` (once per process, see InitializeApp), which must have
// `handle`, and makes `capacity` handlers. What a run allocates with
// wasp_malloc is freed when its handler is released.
absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeNativeHandlerPool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config);

}  // namespace wasp

#endif  // WASP_NET_NATIVE_NATIVE_HANDLER_H_
