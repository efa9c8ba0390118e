; A call virtine in assembly. Initialisation sets a counter and R12 and
; takes a snapshot; each call then adds one to the counter and answers
; counter + R12 + its 8-byte argument, so any state leaking from an earlier
; call changes the answer. Arguments 1-4 misbehave after the snapshot.
; The first page is code (tests map it read-only); data follows.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov qword [counter], 100
  mov r12, 7
  mov eax, WASP_HC_SNAPSHOT
  lea rdi, [area]
  out WASP_PORT_HYPERCALL, al
  mov rbx, [area + 8]
  cmp rbx, 1
  je write_code
  cmp rbx, 2
  je write_page_tables
  cmp rbx, 3
  je endless
  cmp rbx, 4
  je clobber_and_fault
  add qword [counter], 1
  mov rax, [counter]
  add rax, r12
  add rax, rbx
  mov [area + 2048], rax
  mov dword [area + 4], 8
  mov r12, 1000
  mov qword [counter], 5000
  xor edi, edi
  out WASP_PORT_EXIT, al
write_code:
  mov byte [rel write_code], 0x90
  jmp finish
write_page_tables:
  mov qword [0x2000], 0
  jmp finish
endless:
  jmp endless
clobber_and_fault:
  mov qword [counter], 9999
  mov r12, 9999
  ud2
finish:
  out WASP_PORT_EXIT, al

align 4096
area: times 4096 db 0
counter: dq 0
