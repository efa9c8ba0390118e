; The restore trampoline: every long-mode (re)start of a virtine enters here
; at CPL3 with the snapshot's general and segment registers already set by
; the host through kvm_run. It restores what kvm_run cannot carry, the
; x87/SSE state, from the read-only restore page, touching no register or
; flag, and jumps to the snapshot's RIP: no ioctl, no exit.
; Offsets are those of engine/x86/long_mode.cc.
bits 64
org 0x7000
  fxrstor64 [0x7200]
  jmp [0x7110]
