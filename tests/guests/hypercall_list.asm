; Makes the hypercalls its call argument lists, with exactly the registers
; listed, and reports what each returned (net:hypercall_fuzzer, tests of
; what the host refuses). Linked: its code is read-only.
; Argument: records of seven qwords (RAX, RDI, RSI, RDX, R10, R8, R9).
; Result: each hypercall's RAX, in order, in the call area; the same bytes
; then go out with WASP_HC_SEND_CLOSE, which ends a connection (net) and
; returns -WASP_ENOSYS in a virtine without socket handlers.
; Exit code 97: the code changed since boot, which the guest cannot do by
; itself (it is read-only to it).
bits 64
%include "guest/abi/hypercall.inc"

extern __wasp_ro_end

section .text
global _start
_start:
  call checksum
  mov [rel boot_sum], rax
  mov eax, WASP_HC_SNAPSHOT
  lea rdi, [rel area]
  xor esi, esi
  out WASP_PORT_HYPERCALL, al
  ; Every call resumes here.
  call checksum
  cmp rax, [rel boot_sum]
  jne changed
  mov ecx, [rel area]         ; arg_len
  lea r15, [rel area + 8]     ; the next record
  lea r14, [r15 + rcx]        ; the end of the argument
  lea r13, [rel area + 2048]  ; the next result
next:
  lea rax, [r15 + 56]
  cmp rax, r14
  ja done
  mov rax, [r15]
  mov rdi, [r15 + 8]
  mov rsi, [r15 + 16]
  mov rdx, [r15 + 24]
  mov r10, [r15 + 32]
  mov r8, [r15 + 40]
  mov r9, [r15 + 48]
  out WASP_PORT_HYPERCALL, al
  mov [r13], rax
  add r13, 8
  add r15, 56
  jmp next
done:
  lea rdi, [rel area + 2048]
  mov rsi, r13
  sub rsi, rdi
  mov [rel area + 4], esi     ; result_len
  mov eax, WASP_HC_SEND_CLOSE
  out WASP_PORT_HYPERCALL, al
  xor edi, edi
  out WASP_PORT_EXIT, al
changed:
  mov edi, 97
  out WASP_PORT_EXIT, al

; RAX = a hash of the code, [_start, __wasp_ro_end). (The restore page
; changes when the snapshot is taken.)
checksum:
  lea rsi, [rel _start]
  lea rcx, [rel __wasp_ro_end]
  xor eax, eax
.loop:
  add rax, [rsi]
  rol rax, 1
  add rsi, 8
  cmp rsi, rcx
  jb .loop
  ret

section .bss
alignb 4096
area: resb 4096               ; struct wasp_call_area
boot_sum: resq 1
