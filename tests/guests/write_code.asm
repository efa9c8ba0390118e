; Overwrites its own first byte; tests load it with its first page read-only.
bits 64
org 0x8000
  mov byte [rel start], 0x90
start:
  out 0xFA, al
