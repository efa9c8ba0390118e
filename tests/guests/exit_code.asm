; Exits with code 42.
bits 64
org 0x8000
%include "guest/abi/hypercall.inc"
  mov edi, 42
  out WASP_PORT_EXIT, al
