// Typed wrappers of the hypercalls in guest/abi/hypercall.h.
#include "guest/runtime/wasp.h"

long wasp_write(const void* buf, size_t len) {
  return wasp_hypercall6(WASP_HC_WRITE, (long)buf, (long)len, 0, 0, 0, 0);
}

long wasp_puts(const char* s) {
  long written = wasp_write(s, strlen(s));
  if (written < 0) return written;
  long newline = wasp_write("\n", 1);
  return newline < 0 ? newline : written + newline;
}

// The call area the host delivers arguments to once wasp_snapshot() has
// registered it: arguments and results then cost no exit.
static struct wasp_call_area call_area __attribute__((aligned(4096)));
static struct wasp_call_area* registered_area;

long wasp_get_arg(void* buf, size_t cap) {
  if (registered_area == NULL) {
    return wasp_hypercall6(WASP_HC_GET_ARG, (long)buf, (long)cap, 0, 0, 0, 0);
  }
  // Read once: the host wrote it, and it bounds the copy.
  uint32_t len = *(volatile uint32_t*)&registered_area->arg_len;
  if (len > WASP_CALL_ARG_MAX) len = WASP_CALL_ARG_MAX;
  memcpy(buf, registered_area->arg, len < cap ? len : cap);
  return len;
}

long wasp_set_result(const void* buf, size_t len) {
  if (registered_area == NULL) {
    return wasp_hypercall6(WASP_HC_SET_RESULT, (long)buf, (long)len, 0, 0, 0,
                           0);
  }
  if (len > WASP_CALL_RESULT_MAX) return -WASP_EINVAL;
  memcpy(registered_area->result, buf, len);
  registered_area->result_len = (uint32_t)len;
  return 0;
}

long wasp_snapshot(void) { return wasp_snapshot_call_area(&call_area); }

long wasp_snapshot_call_area(struct wasp_call_area* area) {
  // Set before the hypercall so that the snapshot already holds it.
  registered_area = area;
  long result = wasp_hypercall6(WASP_HC_SNAPSHOT, (long)area, 0, 0, 0, 0, 0);
  if (result != 0) registered_area = NULL;
  return result;
}

long wasp_snapshot_requests(struct wasp_request_area* area) {
  return wasp_hypercall6(WASP_HC_SNAPSHOT, 0, (long)area, 0, 0, 0, 0);
}

long wasp_recv(void* buf, size_t cap) {
  return wasp_hypercall6(WASP_HC_RECV, (long)buf, (long)cap, 0, 0, 0, 0);
}

long wasp_send(const void* buf, size_t len) {
  return wasp_hypercall6(WASP_HC_SEND, (long)buf, (long)len, 0, 0, 0, 0);
}

long wasp_send_recv(const void* out, size_t out_len, void* in, size_t in_cap) {
  return wasp_hypercall6(WASP_HC_SEND_RECV, (long)out, (long)out_len, (long)in,
                         (long)in_cap, 0, 0);
}

void wasp_send_close(const void* buf, size_t len) {
  wasp_hypercall6(WASP_HC_SEND_CLOSE, (long)buf, (long)len, 0, 0, 0, 0);
  wasp_exit(1);  // the host refused the buffer
}

long wasp_get_config(void* buf, size_t cap) {
  return wasp_hypercall6(WASP_HC_GET_CONFIG, (long)buf, (long)cap, 0, 0, 0, 0);
}

void wasp_exit(int code) {
  // The host never resumes an exited virtine; should it, exit again rather
  // than run off the end of this function.
  for (;;) {
    __asm__ volatile("outb %%al, %[port]"
                     :
                     : [port] "i"(WASP_PORT_EXIT), "D"((long)code)
                     : "memory");
  }
}
