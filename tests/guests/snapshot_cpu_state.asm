; Initialisation loads XMM0 and takes a snapshot. Each call reports XMM0,
; MXCSR, the x87 control word and DS as the snapshot left them, then
; changes all four (DS flips between null and the user data selector) and exits: the next call must see the snapshot's values.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  movdqu xmm0, [pattern]
  mov eax, WASP_HC_SNAPSHOT
  lea rdi, [area]
  out WASP_PORT_HYPERCALL, al
  movdqu [area + 2048], xmm0
  stmxcsr [area + 2064]
  fnstcw [area + 2068]
  mov [area + 2070], ds
  mov dword [area + 4], 24
  pcmpeqb xmm0, xmm0
  ldmxcsr [odd_mxcsr]
  fldcw [odd_fcw]
  mov ax, ds
  xor ax, 0x1b          ; 0 <-> the user data selector
  mov ds, ax
  xor edi, edi
  out WASP_PORT_EXIT, al

align 16
pattern: db "snapshot-xmm0-AB"
odd_mxcsr: dd 0x7f80
odd_fcw: dw 0x0c7f
align 4096
area: times 4096 db 0
