// Buffers the host receives into, for apps (see app.h).
#ifndef WASP_GUEST_APPS_IO_BUFFER_H_
#define WASP_GUEST_APPS_IO_BUFFER_H_

#include "guest/runtime/wasp.h"

// wasp_malloc(size), with one byte of every page written. A dirty-log reset
// copies back only the pages KVM saw the guest write; a page that only the
// host wrote (a recv) would carry one connection's bytes into the next.
static inline void* app_io_buffer(size_t size) {
  volatile uint8_t* buffer = (volatile uint8_t*)wasp_malloc(size);
  if (buffer == NULL || size == 0) return (void*)buffer;
  for (size_t offset = 0; offset < size; offset += 4096) buffer[offset] = 0;
  buffer[size - 1] = 0;
  return (void*)buffer;
}

#endif  // WASP_GUEST_APPS_IO_BUFFER_H_
