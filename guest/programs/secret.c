// The isolation probe: one call ('w') leaves a secret in memory and in the
// registers, the next ('r') reports whether any of it survived the restore
// of the snapshot. The protocol is in secret.h.
#include "guest/programs/secret.h"

#include "guest/runtime/wasp.h"

// secret_capture.asm: gives the registers known values, takes the snapshot,
// then captures the registers into secret_report.
long secret_snapshot_and_capture(void);

struct secret_report secret_report;

extern char __wasp_ro_end[];  // bazel/guest.ld: the first writable byte

static uint8_t arg[1 + SECRET_SIZE];
static uint8_t static_copy[4 * SECRET_SIZE];

// Keeps the compiler from dropping stores to memory nobody reads.
static void escape(const void* p) {
  __asm__ volatile("" : : "r"(p) : "memory");
}

static void fill(uint8_t* buf, size_t size, const uint8_t* secret) {
  for (size_t i = 0; i + SECRET_SIZE <= size; i += SECRET_SIZE) {
    memcpy(buf + i, secret, SECRET_SIZE);
  }
  escape(buf);
}

// Loads the secret into the registers and exits without returning: nothing
// may run between the loads and the exit. RDI carries the exit code 0.
__attribute__((noreturn)) static void exit_with_secret_in_registers(
    const uint8_t* secret) {
  static const uint32_t mxcsr = SECRET_MXCSR;
  static const uint16_t fcw = SECRET_FCW;
  __asm__ volatile(
      "movdqu (%%rdi), %%xmm0\n\t"
      "movdqa %%xmm0, %%xmm1\n\t"
      "movdqa %%xmm0, %%xmm2\n\t"
      "movdqa %%xmm0, %%xmm3\n\t"
      "movdqa %%xmm0, %%xmm4\n\t"
      "movdqa %%xmm0, %%xmm5\n\t"
      "movdqa %%xmm0, %%xmm6\n\t"
      "movdqa %%xmm0, %%xmm7\n\t"
      "movdqa %%xmm0, %%xmm8\n\t"
      "movdqa %%xmm0, %%xmm9\n\t"
      "movdqa %%xmm0, %%xmm10\n\t"
      "movdqa %%xmm0, %%xmm11\n\t"
      "movdqa %%xmm0, %%xmm12\n\t"
      "movdqa %%xmm0, %%xmm13\n\t"
      "movdqa %%xmm0, %%xmm14\n\t"
      "movdqa %%xmm0, %%xmm15\n\t"
      "ldmxcsr %[mxcsr]\n\t"
      "fldcw %[fcw]\n\t"
      "mov (%%rdi), %%rax\n\t"
      "mov (%%rdi), %%rcx\n\t"
      "mov (%%rdi), %%rsi\n\t"
      "mov (%%rdi), %%rbp\n\t"
      "mov (%%rdi), %%r8\n\t"
      "mov (%%rdi), %%r10\n\t"
      "mov (%%rdi), %%r12\n\t"
      "mov (%%rdi), %%r14\n\t"
      "mov 8(%%rdi), %%rbx\n\t"
      "mov 8(%%rdi), %%rdx\n\t"
      "mov 8(%%rdi), %%r9\n\t"
      "mov 8(%%rdi), %%r11\n\t"
      "mov 8(%%rdi), %%r13\n\t"
      "mov 8(%%rdi), %%r15\n\t"
      "xor %%edi, %%edi\n"
      "1:\n\t"
      "outb %%al, %[port]\n\t"
      "jmp 1b"
      :
      : "D"(secret), [mxcsr] "m"(mxcsr), [fcw] "m"(fcw),
        [port] "i"(WASP_PORT_EXIT));
  __builtin_unreachable();
}

// Mode 'w': the secret in .bss, the heap, the stack and the registers.
__attribute__((noreturn)) static void leave_secret_everywhere(
    const uint8_t* secret) {
  fill(static_copy, sizeof static_copy, secret);
  uint8_t* heap_copy = wasp_malloc(256);
  if (heap_copy == NULL) wasp_exit(4);
  fill(heap_copy, 256, secret);
  uint8_t stack_copy[16 * 1024];
  fill(stack_copy, sizeof stack_copy, secret);
  exit_with_secret_in_registers(secret);
}

// Whether [p, p + SECRET_SIZE) overlaps the object at `obj`.
static int overlaps(uintptr_t p, const void* obj, size_t size) {
  return p + SECRET_SIZE > (uintptr_t)obj && p < (uintptr_t)obj + size;
}

typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_u64;

// Scans all writable memory but the argument (which holds the secret) and
// the report (whose registers may hold it, which they report themselves).
// It compares through registers and never copies the secret to memory,
// where the scan would find the copy.
static int secret_in_memory(const uint8_t* secret) {
  uint64_t low = *(const unaligned_u64*)secret;
  uint64_t high = *(const unaligned_u64*)(secret + 8);
  uintptr_t end = wasp_stack_top() - SECRET_SIZE;
  for (uintptr_t p = (uintptr_t)__wasp_ro_end; p <= end; ++p) {
    if (*(const unaligned_u64*)p != low ||
        *(const unaligned_u64*)(p + 8) != high) {
      continue;
    }
    if (overlaps(p, arg, sizeof arg) ||
        overlaps(p, &secret_report, sizeof secret_report)) {
      continue;
    }
    return 1;
  }
  return 0;
}

int main(void) {
  if (secret_snapshot_and_capture() != 0) return 2;
  if (wasp_get_arg(arg, sizeof arg) < (long)sizeof arg) return 1;
  const uint8_t* secret = arg + 1;
  switch (arg[0]) {
    case SECRET_MODE_WRITE:
      leave_secret_everywhere(secret);
    case SECRET_MODE_READ:
      secret_report.found_in_memory = (uint8_t)secret_in_memory(secret);
      return wasp_set_result(&secret_report, sizeof secret_report) != 0 ? 3 : 0;
    default:
      return 1;
  }
}
