/*
 * How a vcc virtine function is called: the bytes the host puts in the call
 * area's argument (struct wasp_call_area, guest/abi/hypercall.h) and those
 * the guest puts in its result. Compiled by both sides.
 *
 * Argument, from offset 0:
 *   struct wasp_vcc_header, then `buffer_count` struct wasp_vcc_buffer,
 *   then the argument struct at `args_offset` (`args_length` bytes: the
 *   function's parameters as clang lowered them, in the host's layout),
 *   then each buffer's bytes at its `offset` (16-byte aligned; out-only
 *   buffers are sent as zeros). Every offset and length lies within the
 *   argument: the guest checks that before it touches one.
 * Result: the return value (`return_length` bytes), then the bytes of each
 *   buffer with WASP_VCC_OUT, in buffer order, packed.
 */
#ifndef WASP_GUEST_ABI_VCC_CALL_H_
#define WASP_GUEST_ABI_VCC_CALL_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define WASP_VCC_MAGIC 0x31636376u /* "vcc1" */
#define WASP_VCC_MAX_BUFFERS 16
#define WASP_VCC_ALIGN 16u

/* Buffer directions, a mask. */
#define WASP_VCC_IN 1u  /* copied into the virtine */
#define WASP_VCC_OUT 2u /* copied back to the caller */

struct wasp_vcc_buffer {
  uint32_t offset; /* in the argument */
  uint32_t length; /* bytes */
  uint32_t direction;
  uint32_t reserved; /* 0 */
};

struct wasp_vcc_header {
  uint32_t magic;
  uint32_t buffer_count; /* at most WASP_VCC_MAX_BUFFERS */
  uint32_t args_offset;
  uint32_t args_length;
  uint32_t return_length; /* at most WASP_CALL_RESULT_MAX */
  uint32_t reserved;      /* 0 */
};

#ifdef __cplusplus
static_assert(sizeof(struct wasp_vcc_header) == 24, "ABI");
static_assert(sizeof(struct wasp_vcc_buffer) == 16, "ABI");
#else
_Static_assert(sizeof(struct wasp_vcc_header) == 24, "ABI");
_Static_assert(sizeof(struct wasp_vcc_buffer) == 16, "ABI");
#endif

/*
 * The function vcc generates in every virtine image: `args` points to the
 * argument struct, `buffers[i]` to buffer i's bytes, `ret` to
 * `return_length` bytes for the return value.
 */
#define WASP_VCC_ENTRY __vcc_entry

/*
 * Exit codes of a vcc virtine (guest/vcc/vcc_main.c, guest/vcc/process.c).
 * 0: the call returned and its result is in the call area. exit(n) in the
 * function exits with n & 0xFF, as on Linux, and abort() with 134 (128 +
 * SIGABRT). The codes from 256 up are the runtime's own, one per way a call
 * can be malformed, so they never collide with the function's:
 *   NO_CALL_AREA      the host refused the call area (WASP_HC_SNAPSHOT)
 *   SHORT_ARGUMENT    shorter than the header and its buffer table
 *   BAD_MAGIC         not WASP_VCC_MAGIC
 *   BAD_HEADER        a reserved field is not 0
 *   TOO_MANY_BUFFERS  buffer_count > WASP_VCC_MAX_BUFFERS
 *   BAD_ARGS          the argument struct leaves the argument or is unaligned
 *   BAD_BUFFER        a buffer leaves the argument, is unaligned, has unknown
 *                     direction bits or a reserved field that is not 0
 *   RESULT_TOO_LARGE  return_length + the out buffers > WASP_CALL_RESULT_MAX
 */
#define WASP_VCC_EXIT_ABORT 134
#define WASP_VCC_EXIT_NO_CALL_AREA 256
#define WASP_VCC_EXIT_SHORT_ARGUMENT 257
#define WASP_VCC_EXIT_BAD_MAGIC 258
#define WASP_VCC_EXIT_BAD_HEADER 259
#define WASP_VCC_EXIT_TOO_MANY_BUFFERS 260
#define WASP_VCC_EXIT_BAD_ARGS 261
#define WASP_VCC_EXIT_BAD_BUFFER 262
#define WASP_VCC_EXIT_RESULT_TOO_LARGE 263

#endif /* WASP_GUEST_ABI_VCC_CALL_H_ */
