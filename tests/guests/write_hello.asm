; Writes "hello, virtine\n" through WASP_HC_WRITE and exits with its result.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov eax, WASP_HC_WRITE
  lea rdi, [rel message]
  mov esi, message_end - message
  out WASP_PORT_HYPERCALL, al
  mov rdi, rax
  out WASP_PORT_EXIT, al
message: db "hello, virtine", 10
message_end:
