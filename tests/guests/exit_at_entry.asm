; Exits at its very first instruction; had that `out` been skipped after a
; reset, it would exit with 99 instead.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  out WASP_PORT_EXIT, al
  mov edi, 99
  out WASP_PORT_EXIT, al
