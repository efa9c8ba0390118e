// The main() of every vcc virtine. It takes the snapshot; each call resumes
// there with a call in the area (guest/abi/vcc_call.h). A well-formed call
// runs the extracted function (__vcc_entry) and returns its return value and
// out buffers as the result, exit code 0; a malformed one exits with its
// WASP_VCC_EXIT_* code before the function runs.
#include "guest/abi/vcc_call.h"
#include "guest/runtime/wasp.h"

void WASP_VCC_ENTRY(void* args, void* const* buffers, void* ret);

static struct wasp_call_area area __attribute__((aligned(4096)));

// The function sees a copy of the argument: area.arg lies 8 bytes into its
// page, so only a copy aligns the args and buffers to 16 as the ABI says.
// The checked header is copied too: the function cannot change it.
static uint8_t argument[WASP_CALL_ARG_MAX] __attribute__((aligned(4096)));

struct call {
  struct wasp_vcc_header header;
  struct wasp_vcc_buffer buffers[WASP_VCC_MAX_BUFFERS];
  void* pointers[WASP_VCC_MAX_BUFFERS];
  uint32_t result_len;  // the return value and the out buffers
};

// Whether [offset, offset + length) is an aligned part of the argument.
static int in_argument(uint32_t offset, uint32_t length, uint32_t arg_len) {
  return offset % WASP_VCC_ALIGN == 0 && offset <= arg_len &&
         length <= arg_len - offset;
}

static int check_header(const struct wasp_vcc_header* h, uint32_t arg_len) {
  if (h->magic != WASP_VCC_MAGIC) return WASP_VCC_EXIT_BAD_MAGIC;
  if (h->reserved != 0) return WASP_VCC_EXIT_BAD_HEADER;
  if (h->buffer_count > WASP_VCC_MAX_BUFFERS) {
    return WASP_VCC_EXIT_TOO_MANY_BUFFERS;
  }
  uint32_t table = sizeof *h + h->buffer_count * sizeof(struct wasp_vcc_buffer);
  if (arg_len < table) return WASP_VCC_EXIT_SHORT_ARGUMENT;
  if (!in_argument(h->args_offset, h->args_length, arg_len)) {
    return WASP_VCC_EXIT_BAD_ARGS;
  }
  if (h->return_length > WASP_CALL_RESULT_MAX) {
    return WASP_VCC_EXIT_RESULT_TOO_LARGE;
  }
  return 0;
}

// Checks the buffer table and points call->pointers into the argument.
static int check_buffers(struct call* call, uint32_t arg_len) {
  uint64_t result_len = call->header.return_length;  // sums cannot wrap
  for (uint32_t i = 0; i < call->header.buffer_count; ++i) {
    const struct wasp_vcc_buffer* b = &call->buffers[i];
    if (b->reserved != 0 || (b->direction & ~(WASP_VCC_IN | WASP_VCC_OUT)) ||
        !in_argument(b->offset, b->length, arg_len)) {
      return WASP_VCC_EXIT_BAD_BUFFER;
    }
    call->pointers[i] = argument + b->offset;
    if (b->direction & WASP_VCC_OUT) result_len += b->length;
  }
  if (result_len > WASP_CALL_RESULT_MAX) return WASP_VCC_EXIT_RESULT_TOO_LARGE;
  call->result_len = (uint32_t)result_len;
  return 0;
}

// Copies the argument and checks it: 0, or the exit code of its flaw.
static int read_call(struct call* call) {
  uint32_t arg_len = area.arg_len;
  if (arg_len > WASP_CALL_ARG_MAX) arg_len = WASP_CALL_ARG_MAX;
  memcpy(argument, area.arg, arg_len);
  if (arg_len < sizeof call->header) return WASP_VCC_EXIT_SHORT_ARGUMENT;
  memcpy(&call->header, argument, sizeof call->header);
  int error = check_header(&call->header, arg_len);
  if (error != 0) return error;
  memcpy(call->buffers, argument + sizeof call->header,
         call->header.buffer_count * sizeof call->buffers[0]);
  return check_buffers(call, arg_len);
}

// The result: the return value (already in place), then the out buffers.
static void write_result(const struct call* call) {
  uint8_t* out = area.result + call->header.return_length;
  for (uint32_t i = 0; i < call->header.buffer_count; ++i) {
    const struct wasp_vcc_buffer* b = &call->buffers[i];
    if ((b->direction & WASP_VCC_OUT) == 0) continue;
    memcpy(out, call->pointers[i], b->length);
    out += b->length;
  }
  area.result_len = call->result_len;
}

int main(void) {
  if (wasp_snapshot_call_area(&area) != 0) return WASP_VCC_EXIT_NO_CALL_AREA;
  // Every call resumes here.
  struct call call;
  int error = read_call(&call);
  if (error != 0) return error;
  WASP_VCC_ENTRY(argument + call.header.args_offset, call.pointers,
                 area.result);
  write_result(&call);
  return 0;
}
