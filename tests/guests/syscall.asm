; `syscall` with no kernel behind it: must fault, never hang the host.
bits 64
org 0x8000
  syscall
  out 0xFA, al
