; Takes its snapshot with the request area whose address the host wrote at
; `requests` (WASP_HC_SNAPSHOT's second argument; no call area), then exits
; with the hypercall's result: 0, or -WASP_EFAULT for a bad area. The first
; page is code and `requests`, at 0x8100 (tests map it read-only).
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov eax, WASP_HC_SNAPSHOT
  xor edi, edi
  mov rsi, [requests]
  out WASP_PORT_HYPERCALL, al
  mov rdi, rax
  out WASP_PORT_EXIT, al

times 0x100 - ($ - $$) db 0
requests: dq 0
align 4096
data: times 4096 db 0
