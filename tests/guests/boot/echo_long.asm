; Upstream Fig. 4 as Wasp starts an echo connection: the host builds 64-bit
; long mode (CPL3) and the server starts at its main; it takes Wasp's
; snapshot once ready, so a virtine with snapshots resumes there for every
; connection with the client's first bytes as the call's argument, and one
; without receives them itself (echo.inc). Run with wasp::Mode::kLong.
bits 64
org 0x8000
%define ECHO_TSC_TABLE 0x9000
%define ECHO_SNAPSHOT
%include "tests/guests/boot/boot.inc"
%include "tests/guests/boot/echo.inc"

  ECHO_SERVE ECHO_M_MAIN
