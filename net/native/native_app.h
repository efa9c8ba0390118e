// A guest app built as host code, and its one-time initialisation.
#ifndef WASP_NET_NATIVE_NATIVE_APP_H_
#define WASP_NET_NATIVE_NATIVE_APP_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "guest/abi/hypercall.h"

namespace wasp {

// The entry points of guest/apps/* (see guest/apps/app.h): init reads the
// configuration once; a request-scoped app has `handle` (one run's
// requests, input buffers of `input_capacity` bytes), a connection-scoped
// one `serve` (one connection). Each returns 0 on success.
struct NativeApp {
  const char* name;
  int (*init)();
  int (*serve)() = nullptr;
  int (*handle)(wasp_request_area* area) = nullptr;
  uint32_t input_capacity = 0;
};

// Runs app.init() with `config` behind wasp_get_config, once per process:
// the app's globals are shared by every worker's pool, so later calls for
// the same app only check that they pass the same configuration. The app
// runs on a coroutine stack; its allocations live for ever, like a
// virtine's snapshot. An init that fails (non-zero, wasp_exit, a fault) is
// an error and is tried again by the next call.
absl::Status InitializeApp(const NativeApp& app,
                           std::shared_ptr<const std::vector<uint8_t>> config);

}  // namespace wasp

#endif  // WASP_NET_NATIVE_NATIVE_APP_H_
