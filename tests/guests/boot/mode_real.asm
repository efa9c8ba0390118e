; Upstream Fig. 3, 16-bit real mode: fib(BOOT_FIB_N) where the virtine
; starts. Run with wasp::Mode::kReal.
bits 16
org 0x8000
%include "tests/guests/boot/boot.inc"

  BOOT_MEASURE_FIB_AND_EXIT si
  BOOT_FIB_FUNCTION di, bx, bp, cx
