bits 16
org 0x8000
  hlt
  mov di, 7
  out 0xFA, al
