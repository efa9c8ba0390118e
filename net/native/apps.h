// The guest apps of guest/apps, built as host code (see native_app.h).
#ifndef WASP_NET_NATIVE_APPS_H_
#define WASP_NET_NATIVE_APPS_H_

#include "net/native/native_app.h"

namespace wasp {

// guest/apps/echo: echoes every byte until the peer closes. No config.
// Both apps are request-scoped.
NativeApp EchoNativeApp();
// guest/apps/http: serves a docroot bundle (guest/apps/http/docroot.h),
// which is its config.
NativeApp HttpNativeApp();

}  // namespace wasp

#endif  // WASP_NET_NATIVE_APPS_H_
