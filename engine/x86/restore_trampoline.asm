; The restore trampoline: every long-mode (re)start of a virtine enters here
; at CPL3 with the snapshot's general registers already set by the host. It
; reloads what kvm_run's sync registers cannot carry (data segment selectors,
; x87/SSE state) from the read-only restore page, touching no register or
; flag, then jumps to the snapshot's RIP. No ioctl and no exit are needed.
; Offsets are those of engine/x86/long_mode.cc.
bits 64
org 0x7000
  mov ds, [0x7100]
  mov es, [0x7102]
  mov fs, [0x7104]
  mov gs, [0x7106]
  mov ss, [0x7108]
  fxrstor64 [0x7200]
  jmp [0x7110]
