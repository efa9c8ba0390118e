// What the `secret` virtine reports, shared with the host tests that check a
// snapshot restore leaves nothing of one call for the next.
//
// Argument: one mode byte, then SECRET_SIZE secret bytes.
//   'w' copies the secret into .bss, the heap, the stack, every GPR but RDI
//       and RSP, and all 16 XMM registers; sets MXCSR to SECRET_MXCSR and the
//       x87 control word to SECRET_FCW; exits 0.
//   'r' sets a struct secret_report as its result and exits 0.
// Pick a secret that cannot be in the program's memory or registers by
// itself: not zeros, not SECRET_GPR_VALUEs, not a row of SECRET_XMM_VALUEs.
// Exit codes: 0 done, 1 bad argument, 2 the snapshot hypercall failed,
// 3 the result was refused, 4 the heap was exhausted.
#ifndef WASP_GUEST_PROGRAMS_SECRET_H_
#define WASP_GUEST_PROGRAMS_SECRET_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define SECRET_MODE_WRITE 'w'
#define SECRET_MODE_READ 'r'
#define SECRET_SIZE 16

// What 'w' leaves behind: MXCSR's default 0x1f80 with rounding toward zero,
// and the x87 default 0x037f with single precision, rounding toward zero.
#define SECRET_MXCSR 0x7f80
#define SECRET_FCW 0x0c7f

// The registers of secret_report.gprs, in order: every GPR but RAX (the
// snapshot hypercall's result, which the program checks is 0) and RSP.
// 'w' puts the secret's first 8 bytes into RCX, RSI, RBP, R8, R10, R12, R14
// and RAX, its last 8 into RBX, RDX, R9, R11, R13, R15; RDI holds the exit
// code 0.
enum secret_gpr {
  SECRET_RBX,
  SECRET_RCX,
  SECRET_RDX,
  SECRET_RSI,
  SECRET_RDI,
  SECRET_RBP,
  SECRET_R8,
  SECRET_R9,
  SECRET_R10,
  SECRET_R11,
  SECRET_R12,
  SECRET_R13,
  SECRET_R14,
  SECRET_R15,
  SECRET_GPR_COUNT
};

// Before its snapshot the program sets every GPR of the report to
// SECRET_GPR_VALUE(index), except RDI and RSI (the hypercall's arguments,
// 0), and
// byte j of XMMi to SECRET_XMM_VALUE(i, j); MXCSR and the x87 control word
// keep the values the virtine started with (0x1f80 and 0x037f). A correct
// restore brings back exactly these values on every call.
#define SECRET_GPR_VALUE(index) (0x5ec0000000000000ull + (index))
#define SECRET_XMM_VALUE(i, j) (16 * (i) + (j))

// The registers as they were right after the snapshot hypercall returned
// in this call, and whether the secret was found in the guest's writable
// memory (.data, .bss, heap, stack; the argument and this report excepted).
struct secret_report {
  uint64_t gprs[SECRET_GPR_COUNT];
  uint8_t xmm[16][16];
  uint32_t mxcsr;
  uint16_t fcw;
  uint8_t found_in_memory;
};

// secret_capture.asm writes the registers at these offsets.
#ifdef __cplusplus
#define SECRET_STATIC_ASSERT static_assert
#else
#define SECRET_STATIC_ASSERT _Static_assert
#endif
SECRET_STATIC_ASSERT(sizeof(struct secret_report) == 376, "layout");
SECRET_STATIC_ASSERT(offsetof(struct secret_report, gprs) == 0, "layout");
SECRET_STATIC_ASSERT(offsetof(struct secret_report, xmm) == 112, "layout");
SECRET_STATIC_ASSERT(offsetof(struct secret_report, mxcsr) == 368, "layout");
SECRET_STATIC_ASSERT(offsetof(struct secret_report, fcw) == 372, "layout");
SECRET_STATIC_ASSERT(offsetof(struct secret_report, found_in_memory) == 374,
                     "layout");
#undef SECRET_STATIC_ASSERT

#endif  // WASP_GUEST_PROGRAMS_SECRET_H_
