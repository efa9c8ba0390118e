; Upstream Table 1: a virtine that boots itself from 16-bit real mode to
; 64-bit long mode (CPL0), reading the TSC at every milestone, then reports
; the milestones with BOOT_HC_MILESTONE hypercalls and exits with 0.
; Run with wasp::Mode::kReal.
bits 16
org 0x8000
%define BOOT_TIMED
%include "tests/guests/boot/boot.inc"
%include "tests/guests/boot/boot_sequence.inc"

  BOOT_MILESTONE BOOT_M_ENTRY
  BOOT_MILESTONE BOOT_M_SECOND_READ
  BOOT_REAL_TO_PROTECTED
  BOOT_PROTECTED_TO_LONG
  xor ebx, ebx
report:
  mov eax, BOOT_HC_MILESTONE
  mov edi, ebx
  mov esi, [BOOT_TSC_TABLE + rbx * 8]
  mov edx, [BOOT_TSC_TABLE + rbx * 8 + 4]
  out WASP_PORT_HYPERCALL, al
  inc ebx
  cmp ebx, BOOT_M_COUNT
  jne report
  xor edi, edi
  out WASP_PORT_EXIT, al

  BOOT_GDTS
