; Upstream Fig. 3, 32-bit protected mode: the virtine switches from real
; mode, then computes fib(BOOT_FIB_N). Run with wasp::Mode::kReal.
bits 16
org 0x8000
%include "tests/guests/boot/boot.inc"
%include "tests/guests/boot/boot_sequence.inc"

  BOOT_REAL_TO_PROTECTED
  BOOT_MEASURE_FIB_AND_EXIT esi
  BOOT_FIB_FUNCTION edi, ebx, ebp, ecx
  BOOT_GDTS
