/* Fails to compile if native_api.h and guest/runtime/wasp.h disagree. */
#include "guest/runtime/wasp.h"
#include "net/native/native_api.h"
