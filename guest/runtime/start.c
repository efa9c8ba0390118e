// The entry point of every virtine built with the runtime.
#include "guest/runtime/internal.h"
#include "guest/runtime/wasp.h"

int main(void);

// _start comes first in the image (the linker script puts .text.start at
// the load address) and runs before any C code: it zeroes .bss, which C
// code assumes, and aligns the stack as the SysV ABI requires at a call.
// The host starts it with RSP at the top of memory and RFLAGS.DF clear, but
// clearing DF costs nothing and `rep stosb` depends on it.
__asm__(
    ".section .text.start, \"ax\", @progbits\n"
    ".global _start\n"
    ".type _start, @function\n"
    "_start:\n"
    "  cld\n"
    "  mov %rsp, %rdx\n"
    "  lea __bss_start(%rip), %rdi\n"
    "  lea __bss_end(%rip), %rcx\n"
    "  sub %rdi, %rcx\n"
    "  xor %eax, %eax\n"
    "  rep stosb\n"
    "  mov %rdx, %rdi\n"
    "  and $-16, %rsp\n"
    "  xor %ebp, %ebp\n"
    "  call __wasp_start\n"
    "  ud2\n"
    ".size _start, . - _start\n"
    ".previous\n");

static uintptr_t stack_top;

// Called only by _start, hence `used`: the compiler cannot see that call.
__attribute__((used, noreturn)) void __wasp_start(uintptr_t initial_rsp) {
  stack_top = initial_rsp;
  __wasp_heap_init(initial_rsp);
  wasp_exit(main());
}

uintptr_t wasp_stack_top(void) { return stack_top; }
