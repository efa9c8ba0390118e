#include "net/native/apps.h"

#include <cstdint>

// The apps' entry points, renamed by the copts of their cc_library.
extern "C" {
int echo_app_init(void);
int echo_app_handle(wasp_request_area* area);
extern const uint32_t echo_app_input_capacity;
int http_app_init(void);
int http_app_handle(wasp_request_area* area);
extern const uint32_t http_app_input_capacity;
}

namespace wasp {

NativeApp EchoNativeApp() {
  return {.name = "echo",
          .init = &echo_app_init,
          .handle = &echo_app_handle,
          .input_capacity = echo_app_input_capacity};
}

NativeApp HttpNativeApp() {
  return {.name = "http",
          .init = &http_app_init,
          .handle = &http_app_handle,
          .input_capacity = http_app_input_capacity};
}

}  // namespace wasp
