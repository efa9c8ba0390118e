// The 16-bit real-mode machine of upstream Wasp: flat images run at their
// load address with all segments at 0. Emulated on PVM hosts; for
// compatibility, not speed.
#ifndef WASP_ENGINE_X86_REAL_MODE_H_
#define WASP_ENGINE_X86_REAL_MODE_H_

#include <linux/kvm.h>

#include <cstdint>

namespace wasp::x86 {

void SetRealModeSregs(kvm_sregs& sregs);
kvm_regs RealModeEntryRegs(uint64_t entry);

}  // namespace wasp::x86

#endif  // WASP_ENGINE_X86_REAL_MODE_H_
