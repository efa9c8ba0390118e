// Echoes every byte back until the peer closes or stays silent past the idle
// timeout. Request-scoped: each run sends back the bytes it was given,
// straight from its input buffer.
#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

const uint32_t app_input_capacity = 16 * 1024;

int app_init(void) { return 0; }

int app_handle(struct wasp_request_area* area) {
  uint32_t len = area->in_len < area->in_cap ? area->in_len : area->in_cap;
  area->iov_count = 0;
  if (len > 0) {
    area->iov[0] = (struct wasp_iovec){.base = area->in, .len = len};
    area->iov_count = 1;
  }
  area->consumed = len;
  area->skip = 0;
  area->wake_byte = WASP_WAKE_ANY;
  area->wake_len = 0;
  area->out_flags = area->in_flags & (WASP_INPUT_EOF | WASP_INPUT_TIMEOUT)
                        ? WASP_OUTPUT_CLOSE
                        : 0;
  return 0;
}
