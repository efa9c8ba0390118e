// The entry point of images built with virtine_image(..., libc = "newlib").
#include <stdint.h>
#include <stdlib.h>

#include "guest/libc/internal.h"

int main(int argc, char** argv);
// newlib's: runs _init and the constructors of the linker script's arrays.
void __libc_init_array(void);

// As guest/runtime/start.c: _start is first in the image, zeroes .bss, which
// C code assumes, and aligns the stack as the SysV ABI requires at a call.
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
    "  call __wasp_libc_start\n"
    "  ud2\n"
    ".size _start, . - _start\n"
    ".previous\n");

static char program_name[] = "virtine";
static char* arguments[] = {program_name, NULL};

// Called only by _start, hence `used`: the compiler cannot see that call.
__attribute__((used, noreturn)) void __wasp_libc_start(uintptr_t initial_rsp) {
  __wasp_libc_heap_init(initial_rsp);
  __libc_init_array();
  // exit, not _exit: it flushes stdio and runs atexit handlers.
  exit(main(1, arguments));
}

// newlib calls these around the constructor arrays; there is no .init code.
void _init(void) {}
void _fini(void) {}
