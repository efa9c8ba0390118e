; Fig. 3 in Wasp's own machine: 64-bit long mode at CPL3 that the host set
; up (wasp::Mode::kLong), fib(BOOT_FIB_N) from the first instruction.
bits 64
org 0x8000
%include "tests/guests/boot/boot.inc"

  BOOT_MEASURE_FIB_AND_EXIT rsi
  BOOT_FIB_FUNCTION rdi, rbx, rbp, rcx
