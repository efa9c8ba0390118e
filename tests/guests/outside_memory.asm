; Writes 16 MiB above the start of memory: beyond any test virtine's RAM.
bits 64
org 0x8000
  mov rax, 0x1000000
  mov qword [rax], 1
  out 0xFA, al
