; Upstream Fig. 3, 64-bit long mode at CPL0: the virtine boots itself
; through protected mode, then computes fib(BOOT_FIB_N). Run with
; wasp::Mode::kReal.
bits 16
org 0x8000
%include "tests/guests/boot/boot.inc"
%include "tests/guests/boot/boot_sequence.inc"

  BOOT_REAL_TO_PROTECTED
  BOOT_PROTECTED_TO_LONG
  BOOT_MEASURE_FIB_AND_EXIT rsi
  BOOT_FIB_FUNCTION rdi, rbx, rbp, rcx
  BOOT_GDTS
