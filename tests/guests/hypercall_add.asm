; Hypercall 10 with (40, 2), then hypercall 11 with the result, then exits
; with what hypercall 11 returned. Tests use it for arguments and results.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov eax, 10
  mov edi, 40
  mov esi, 2
  mov edx, 3
  mov r10d, 4
  mov r8d, 5
  mov r9d, 6
  out WASP_PORT_HYPERCALL, al
  mov rdi, rax
  mov eax, 11
  out WASP_PORT_HYPERCALL, al
  mov rdi, rax
  out WASP_PORT_EXIT, al
