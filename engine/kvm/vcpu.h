// One vCPU: its fd, its shared kvm_run page, and register access. General,
// segment and control registers travel through kvm_run sync regs, so the
// hot path needs no register ioctls; FPU state and events use ioctls.
#ifndef WASP_ENGINE_KVM_VCPU_H_
#define WASP_ENGINE_KVM_VCPU_H_

#include <linux/kvm.h>

#include <array>
#include <memory>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"
#include "engine/kvm/ioctls.h"
#include "engine/kvm/vm.h"

namespace wasp {

// KVM's XSAVE area (struct kvm_xsave without its C++-unfriendly tail).
using XsaveArea = std::array<uint8_t, kKvmXsaveSize>;

class Vcpu final {
 public:
  static absl::StatusOr<std::unique_ptr<Vcpu>> Create(Vm& vm, int id);
  Vcpu(const Vcpu&) = delete;
  Vcpu& operator=(const Vcpu&) = delete;

  // One KVM_RUN. Returns 0 or the errno (EINTR when kicked or timed out).
  int Run();
  // Lets KVM finish the instruction of the last exit (an `out` or an MMIO
  // access completes on the next KVM_RUN) without running any further guest
  // instruction, so that the registers are final and a later register write
  // cannot be undone by that completion.
  absl::Status CompletePendingExit();

  // The kvm_run page shared with KVM: the last exit's details.
  kvm_run& run_page() { return *run_; }
  const kvm_run& run_page() const { return *run_; }

  // General registers as of the last exit; valid after any Run().
  const kvm_regs& regs() const { return run_->s.regs.regs; }
  // Writable registers, written back on the next Run().
  kvm_regs& mutable_regs() {
    run_->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    return run_->s.regs.regs;
  }

  // Segment and control registers as of the last exit (synced for free).
  const kvm_sregs& synced_sregs() const { return run_->s.regs.sregs; }
  // Sets them on the next Run(), without an ioctl of its own.
  void SetSregsOnEntry(const kvm_sregs& sregs) {
    run_->s.regs.sregs = sregs;
    run_->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
    task_register_type_ = sregs.tr.type;
  }
  absl::StatusOr<kvm_sregs> GetSregs() const;
  absl::Status SetSregs(const kvm_sregs& sregs);
  absl::StatusOr<XsaveArea> GetXsave() const;
  absl::Status SetXsave(const XsaveArea& xsave);
  // Drops any pending exception or interrupt (after a fault, before reuse).
  absl::Status ClearEvents();

  int fd() const { return fd_.get(); }

 private:
  Vcpu(UniqueFd fd, Mapping run_mapping);

  UniqueFd fd_;
  Mapping run_mapping_;
  kvm_run* run_;
  // KVM on AMD reports the task register busy whatever it holds; GetSregs
  // reports the type last set, so that state read back and set again is the
  // same state (0: never set).
  uint8_t task_register_type_ = 0;
};

}  // namespace wasp

#endif  // WASP_ENGINE_KVM_VCPU_H_
