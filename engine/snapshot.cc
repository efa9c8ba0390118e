#include "engine/snapshot.h"

#include "base/status_macros.h"

namespace wasp {

absl::StatusOr<CpuState> CaptureCpu(Vcpu& vcpu) {
  RETURN_IF_ERROR(vcpu.CompletePendingExit());
  CpuState state;
  state.regs = vcpu.regs();
  ASSIGN_OR_RETURN(state.sregs, vcpu.GetSregs());
  ASSIGN_OR_RETURN(state.xsave, vcpu.GetXsave());
  return state;
}

absl::Status RestoreCpu(Vcpu& vcpu, const CpuState& state) {
  // A pending completion would otherwise rewrite the registers set below.
  RETURN_IF_ERROR(vcpu.CompletePendingExit());
  RETURN_IF_ERROR(vcpu.ClearEvents());
  RETURN_IF_ERROR(vcpu.SetSregs(state.sregs));
  RETURN_IF_ERROR(vcpu.SetXsave(state.xsave));
  vcpu.mutable_regs() = state.regs;
  return absl::OkStatus();
}

}  // namespace wasp
