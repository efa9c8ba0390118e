#include "net/native/apps.h"

// The apps' entry points, renamed by the copts of their cc_library.
extern "C" {
int echo_app_init(void);
int echo_app_serve(void);
int http_app_init(void);
int http_app_serve(void);
}

namespace wasp {

NativeApp EchoNativeApp() {
  return {.name = "echo", .init = &echo_app_init, .serve = &echo_app_serve};
}

NativeApp HttpNativeApp() {
  return {.name = "http", .init = &http_app_init, .serve = &http_app_serve};
}

}  // namespace wasp
