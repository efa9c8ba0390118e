; Asks the host to write from a buffer that leaves guest memory (and wraps).
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov eax, WASP_HC_WRITE
  mov rdi, 0xFFFFFFFFFFFFF000
  mov esi, 0x2000
  out WASP_PORT_HYPERCALL, al
  mov rdi, rax
  out WASP_PORT_EXIT, al
