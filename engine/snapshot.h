// A point a virtine returns to: the vCPU state captured here, the writable
// memory captured by the virtine's ResetStrategy.
#ifndef WASP_ENGINE_SNAPSHOT_H_
#define WASP_ENGINE_SNAPSHOT_H_

#include <linux/kvm.h>

#include "absl/status/statusor.h"
#include "engine/kvm/vcpu.h"

namespace wasp {

// Everything of a vCPU a guest can change: general registers, segment and
// control registers, x87/SSE/XSAVE state. (MSRs, debug and control registers
// are privileged; virtine code runs at CPL3.)
struct CpuState {
  kvm_regs regs = {};
  kvm_sregs sregs = {};
  XsaveArea xsave = {};

  // The legacy FXSAVE image at the start of the XSAVE area.
  const uint8_t* fxsave() const { return xsave.data(); }
};

// The vCPU as of its last exit, with that exit's instruction completed.
absl::StatusOr<CpuState> CaptureCpu(Vcpu& vcpu);

// Restores every part through ioctls: the cold path, after faults, timeouts
// and for real mode. The general registers travel through kvm_run.
absl::Status RestoreCpu(Vcpu& vcpu, const CpuState& state);

}  // namespace wasp

#endif  // WASP_ENGINE_SNAPSHOT_H_
