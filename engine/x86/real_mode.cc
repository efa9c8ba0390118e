#include "engine/x86/real_mode.h"

#include <initializer_list>

namespace wasp::x86 {

void SetRealModeSregs(kvm_sregs& sregs) {
  for (kvm_segment* s :
       {&sregs.cs, &sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss}) {
    s->base = 0;
    s->selector = 0;
  }
}

kvm_regs RealModeEntryRegs(uint64_t entry) {
  kvm_regs regs = {};
  regs.rip = entry;
  regs.rsp = entry & 0xFFFF;  // the stack grows down below the image
  regs.rflags = 0x2;
  return regs;
}

}  // namespace wasp::x86
