bits 64
org 0x8000
  jmp $
