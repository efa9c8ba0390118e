; Hypercall 10 with DI=40, SI=2 in real mode; exits with the result.
bits 16
org 0x8000
  mov eax, 10
  mov edi, 40
  mov esi, 2
  out 0xFF, al
  mov edi, eax
  out 0xFA, al
