// The `_start` of every guest image, shared by guest/runtime and newlib's
// guest/libc: first in the image (the linker script puts .text.start at the
// load address), it runs before any C code, zeroes .bss, which C code
// assumes, and aligns the stack as the SysV ABI requires at a call before
// calling `target(initial_rsp)`, which never returns. The host starts it
// with RSP at the top of memory and RFLAGS.DF clear, but clearing DF costs
// nothing and `rep stosb` depends on it.
#ifndef WASP_GUEST_RUNTIME_ENTRY_H_
#define WASP_GUEST_RUNTIME_ENTRY_H_

#define WASP_DEFINE_START(target)                 \
  __asm__(                                        \
      ".section .text.start, \"ax\", @progbits\n" \
      ".global _start\n"                          \
      ".type _start, @function\n"                 \
      "_start:\n"                                 \
      "  cld\n"                                   \
      "  mov %rsp, %rdx\n"                        \
      "  lea __bss_start(%rip), %rdi\n"           \
      "  lea __bss_end(%rip), %rcx\n"             \
      "  sub %rdi, %rcx\n"                        \
      "  xor %eax, %eax\n"                        \
      "  rep stosb\n"                             \
      "  mov %rdx, %rdi\n"                        \
      "  and $-16, %rsp\n"                        \
      "  xor %ebp, %ebp\n"                        \
      "  call " #target                           \
      "\n"                                        \
      "  ud2\n"                                   \
      ".size _start, . - _start\n"                \
      ".previous\n")

#endif  // WASP_GUEST_RUNTIME_ENTRY_H_
