// The 64-bit CPL3 machine a long-mode virtine starts in, set up by the host:
// GDT, TSS, IDT with exception stubs, and identity page tables, all in the
// supervisor-only system area [0x1000, 0x8000) (see guest/abi/hypercall.h).
#ifndef WASP_ENGINE_X86_LONG_MODE_H_
#define WASP_ENGINE_X86_LONG_MODE_H_

#include <linux/kvm.h>

#include <cstdint>

#include "absl/status/status.h"
#include "engine/guest_memory.h"
#include "guest/abi/hypercall.h"

namespace wasp::x86 {

// Where the exception stubs put the CPU's interrupt frame.
inline constexpr uint64_t kExceptionStackTop = 0x7000;
// Where every long-mode start enters (see restore_trampoline.asm).
inline constexpr uint64_t kRestoreTrampoline = WASP_RESTORE_PAGE;
inline constexpr size_t kFxsaveSize = 512;
inline constexpr uint64_t kPageTablesStart = 0x2000;
inline constexpr uint64_t kPageTablesEnd = 0x6000;

// [start, end) of the image mapped read-only and executable; everything else
// the guest can reach is then writable but not executable. An empty range
// leaves all guest pages writable and executable (flat images).
struct CodeRange {
  uint64_t start = 0;
  uint64_t end = 0;
};

absl::Status BuildSystemArea(GuestMemory& memory, CodeRange code);

// Makes the trampoline load `fxsave` (kFxsaveSize bytes, as FXSAVE stores
// them) and continue at `rip`.
void WriteRestorePage(GuestMemory& memory, uint64_t rip, const uint8_t* fxsave);

// Turns the vCPU's power-on segment state into long mode at CPL3.
void SetLongModeSregs(kvm_sregs& sregs);

// Registers at entry: RIP = entry, RSP = stack_top, all others 0.
kvm_regs LongModeEntryRegs(uint64_t entry, uint64_t stack_top);

}  // namespace wasp::x86

#endif  // WASP_ENGINE_X86_LONG_MODE_H_
