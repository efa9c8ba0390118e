; The snapshot call of the `secret` virtine and the register capture right
; after it, in assembly so that no compiled code runs in between.
%include "guest/abi/hypercall.inc"

; Offsets in struct secret_report (guest/programs/secret.h asserts them).
%define REPORT_GPRS 0
%define REPORT_XMM 112
%define REPORT_MXCSR 368
%define REPORT_FCW 372
; SECRET_GPR_VALUE(0) in secret.h.
%define GPR_VALUE 0x5ec0000000000000

bits 64
default rel

extern secret_report

section .text
global secret_snapshot_and_capture

; long secret_snapshot_and_capture(void): the snapshot hypercall's result.
; Before the snapshot it gives every register a known value (secret.h), so
; that a restore which zeroes registers instead of restoring them shows.
secret_snapshot_and_capture:
  push rbx                      ; callee-saved registers the values replace
  push rbp
  push r12
  push r13
  push r14
  push r15
  mov rbx, GPR_VALUE + 0
  mov rcx, GPR_VALUE + 1
  mov rdx, GPR_VALUE + 2
  mov rbp, GPR_VALUE + 5
  mov r8, GPR_VALUE + 6
  mov r9, GPR_VALUE + 7
  mov r10, GPR_VALUE + 8
  mov r11, GPR_VALUE + 9
  mov r12, GPR_VALUE + 10
  mov r13, GPR_VALUE + 11
  mov r14, GPR_VALUE + 12
  mov r15, GPR_VALUE + 13
  movdqu xmm0, [xmm_values + 0]
  movdqu xmm1, [xmm_values + 16]
  movdqu xmm2, [xmm_values + 32]
  movdqu xmm3, [xmm_values + 48]
  movdqu xmm4, [xmm_values + 64]
  movdqu xmm5, [xmm_values + 80]
  movdqu xmm6, [xmm_values + 96]
  movdqu xmm7, [xmm_values + 112]
  movdqu xmm8, [xmm_values + 128]
  movdqu xmm9, [xmm_values + 144]
  movdqu xmm10, [xmm_values + 160]
  movdqu xmm11, [xmm_values + 176]
  movdqu xmm12, [xmm_values + 192]
  movdqu xmm13, [xmm_values + 208]
  movdqu xmm14, [xmm_values + 224]
  movdqu xmm15, [xmm_values + 240]
  mov eax, WASP_HC_SNAPSHOT
  xor edi, edi                  ; no call area
  xor esi, esi                  ; no request area
  out WASP_PORT_HYPERCALL, al
  ; Every later call resumes here.
  ; The order of secret.h's enum secret_gpr.
  mov [secret_report + REPORT_GPRS + 0], rbx
  mov [secret_report + REPORT_GPRS + 8], rcx
  mov [secret_report + REPORT_GPRS + 16], rdx
  mov [secret_report + REPORT_GPRS + 24], rsi
  mov [secret_report + REPORT_GPRS + 32], rdi
  mov [secret_report + REPORT_GPRS + 40], rbp
  mov [secret_report + REPORT_GPRS + 48], r8
  mov [secret_report + REPORT_GPRS + 56], r9
  mov [secret_report + REPORT_GPRS + 64], r10
  mov [secret_report + REPORT_GPRS + 72], r11
  mov [secret_report + REPORT_GPRS + 80], r12
  mov [secret_report + REPORT_GPRS + 88], r13
  mov [secret_report + REPORT_GPRS + 96], r14
  mov [secret_report + REPORT_GPRS + 104], r15
  movdqu [secret_report + REPORT_XMM + 0], xmm0
  movdqu [secret_report + REPORT_XMM + 16], xmm1
  movdqu [secret_report + REPORT_XMM + 32], xmm2
  movdqu [secret_report + REPORT_XMM + 48], xmm3
  movdqu [secret_report + REPORT_XMM + 64], xmm4
  movdqu [secret_report + REPORT_XMM + 80], xmm5
  movdqu [secret_report + REPORT_XMM + 96], xmm6
  movdqu [secret_report + REPORT_XMM + 112], xmm7
  movdqu [secret_report + REPORT_XMM + 128], xmm8
  movdqu [secret_report + REPORT_XMM + 144], xmm9
  movdqu [secret_report + REPORT_XMM + 160], xmm10
  movdqu [secret_report + REPORT_XMM + 176], xmm11
  movdqu [secret_report + REPORT_XMM + 192], xmm12
  movdqu [secret_report + REPORT_XMM + 208], xmm13
  movdqu [secret_report + REPORT_XMM + 224], xmm14
  movdqu [secret_report + REPORT_XMM + 240], xmm15
  stmxcsr [secret_report + REPORT_MXCSR]
  fnstcw [secret_report + REPORT_FCW]
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbp
  pop rbx
  ret

section .rodata
; SECRET_XMM_VALUE: byte j of XMMi is 16 * i + j.
xmm_values:
%assign byte_value 0
%rep 256
  db byte_value
  %assign byte_value byte_value + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
