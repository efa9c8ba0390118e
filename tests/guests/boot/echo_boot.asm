; Upstream Fig. 4: an echo server that boots itself from 16-bit real mode
; to 64-bit long mode (CPL0), as upstream's virtines do, reading the TSC at
; every milestone, then serves one connection (echo.inc). Run with
; wasp::Mode::kReal.
bits 16
org 0x8000
%define BOOT_TIMED
%define ECHO_TSC_TABLE BOOT_TSC_TABLE
%include "tests/guests/boot/boot.inc"
%include "tests/guests/boot/boot_sequence.inc"
%include "tests/guests/boot/echo.inc"

  BOOT_MILESTONE BOOT_M_ENTRY
  BOOT_MILESTONE BOOT_M_SECOND_READ
  BOOT_REAL_TO_PROTECTED
  BOOT_PROTECTED_TO_LONG
  ECHO_SERVE BOOT_M_ENTRY

  BOOT_GDTS
