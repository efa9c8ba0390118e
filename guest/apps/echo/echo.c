// Echoes every byte back until the peer closes, the idle timeout passes or
// a send fails: one exit per chunk (send it, receive the next).
#include "guest/apps/app.h"
#include "guest/apps/io_buffer.h"
#include "guest/runtime/wasp.h"

enum { kChunk = 16 * 1024 };

int app_init(void) { return 0; }

int app_serve(void) {
  // Two buffers, so that no host need receive into bytes it is sending.
  uint8_t* out = app_io_buffer(kChunk);
  uint8_t* in = app_io_buffer(kChunk);
  if (out == NULL || in == NULL) {
    wasp_free(out);
    wasp_free(in);
    return 1;
  }
  long n = wasp_get_arg(out, kChunk);
  // No first bytes: the peer closed or stayed silent (recv says which).
  if (n == 0) n = wasp_recv(out, kChunk);
  while (n > 0) {
    n = wasp_send_recv(out, (size_t)n, in, kChunk);
    uint8_t* swap = out;
    out = in;
    in = swap;
  }
  wasp_free(out);
  wasp_free(in);
  return 0;
}
