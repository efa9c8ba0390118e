; Makes hypercall 10 forever: the dispatcher round trip for benchmarks.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
again:
  mov eax, 10
  out WASP_PORT_HYPERCALL, al
  jmp again
