// The demo virtine of `wasp demo`: greets through the console hypercall.
#include "guest/abi/hypercall.h"

__asm__(
    ".section .text.start\n"
    ".global _start\n"
    "_start:\n"
    "  call main\n"
    "  mov %rax, %rdi\n"
    "  outb %al, $0xFA\n");

static long wasp_write(const void* buf, unsigned long len) {
  long ret = WASP_HC_WRITE;
  __asm__ volatile("outb %%al, %1"
                   : "+a"(ret)
                   : "i"(WASP_PORT_HYPERCALL), "D"(buf), "S"(len)
                   : "memory");
  return ret;
}

int main(void) {
  static const char greeting[] =
      "Hello from a virtine: 64-bit code at CPL3 in its own KVM VM.\n";
  return wasp_write(greeting, sizeof greeting - 1) ==
                 (long)(sizeof greeting - 1)
             ? 0
             : 1;
}
