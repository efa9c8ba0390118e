; A call virtine that writes many pages: each call adds one to the first
; quadword of its argument's number of pages and answers the sum of what it
; found there, which is 0 whenever every page was reset.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov eax, WASP_HC_SNAPSHOT
  lea rdi, [area]
  out WASP_PORT_HYPERCALL, al
  mov rcx, [area + 8]
  lea rdi, [pages]
  xor eax, eax
next_page:
  test rcx, rcx
  jz done
  add rax, [rdi]
  add qword [rdi], 1
  add rdi, 4096
  dec rcx
  jmp next_page
done:
  mov [area + 2048], rax
  mov dword [area + 4], 8
  xor edi, edi
  out WASP_PORT_EXIT, al

align 4096
area:
  times 4096 db 0
pages:
