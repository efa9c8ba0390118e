bits 64
org 0x8000
  mov rax, [0]
  out 0xFA, al
