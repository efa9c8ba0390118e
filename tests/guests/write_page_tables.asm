; Clears the first entry of the PML4 (supervisor-only).
bits 64
org 0x8000
  mov qword [0x2000], 0
  out 0xFA, al
