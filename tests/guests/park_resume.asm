; Park and unpark (Virtine::park, Virtine::unpark). Each call writes state
; into memory and registers, waits at hypercall PARK_HC_WAIT (the host
; answers it, and may park the virtine meanwhile and resume it in another),
; then reports what it finds of that state.
;
; Argument (call area): seed (8 bytes), pages (8 bytes, at most 64).
; Before the wait: page i of `pages` holds seed + i in its first and last
; quadwords; RBX = R12 = seed; XMM0 = {seed, ~seed}; XMM8 = XMM0 + XMM0 (by
; quadword). Result, 64 bytes: the wait's result, R12, XMM0, XMM8, how many
; pages still hold seed + i at both ends, and the sum of those quadwords
; over all pages. The first page is code (tests map it read-only).
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
%define PARK_HC_WAIT 40
%define PARK_MAX_PAGES 64
  mov eax, WASP_HC_SNAPSHOT
  lea rdi, [area]
  xor esi, esi                  ; no request area
  out WASP_PORT_HYPERCALL, al
  mov rbx, [area + 8]           ; seed
  mov r14, [area + 16]          ; pages
  cmp r14, PARK_MAX_PAGES
  jbe fill_start
  mov r14d, PARK_MAX_PAGES
fill_start:
  lea rdi, [pages]
  xor edx, edx
fill:
  cmp rdx, r14
  je filled
  lea rax, [rbx + rdx]
  mov [rdi], rax
  mov [rdi + 4088], rax
  add rdi, 4096
  inc rdx
  jmp fill
filled:
  mov r12, rbx
  movq xmm0, rbx
  mov rax, rbx
  not rax
  movq xmm1, rax
  punpcklqdq xmm0, xmm1         ; {seed, ~seed}
  movdqa xmm8, xmm0
  paddq xmm8, xmm0
  pxor xmm1, xmm1               ; not part of the state
  mov eax, PARK_HC_WAIT
  mov rdi, rbx
  out WASP_PORT_HYPERCALL, al
  mov [area + 2048], rax        ; the wait's result
  mov [area + 2056], r12
  movdqu [area + 2064], xmm0
  movdqu [area + 2080], xmm8
  lea rdi, [pages]
  xor edx, edx                  ; page index
  xor r8d, r8d                  ; pages intact
  xor r9d, r9d                  ; sum of both quadwords of every page
check:
  cmp rdx, r14
  je checked
  mov rax, [rdi]
  mov r10, [rdi + 4088]
  add r9, rax
  add r9, r10
  lea r11, [rbx + rdx]
  cmp rax, r11
  jne next_page
  cmp r10, r11
  jne next_page
  inc r8
next_page:
  add rdi, 4096
  inc rdx
  jmp check
checked:
  mov [area + 2096], r8
  mov [area + 2104], r9
  mov dword [area + 4], 64
  xor edi, edi
  out WASP_PORT_EXIT, al

align 4096
area: times 4096 db 0
pages:
