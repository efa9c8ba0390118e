#include "engine/kvm/vcpu.h"

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>

#include "base/status_macros.h"
#include "engine/kvm/ioctls.h"

namespace wasp {

Vcpu::Vcpu(UniqueFd fd, Mapping run_mapping)
    : fd_(std::move(fd)),
      run_mapping_(std::move(run_mapping)),
      run_(static_cast<kvm_run*>(run_mapping_.get())) {
  // Syncing segment registers on every exit costs nothing measurable.
  run_->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
}

absl::StatusOr<std::unique_ptr<Vcpu>> Vcpu::Create(Vm& vm, int id) {
  UniqueFd fd(::ioctl(vm.fd(), KVM_CREATE_VCPU, id));
  if (!fd.valid()) return ErrnoError("KVM_CREATE_VCPU", errno);
  size_t size = vm.kvm().vcpu_mmap_size();
  void* addr =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (addr == MAP_FAILED) return ErrnoError("mmap(kvm_run)", errno);
  Mapping mapping(addr, size);
  if (::ioctl(fd.get(), kKvmSetCpuid2, vm.kvm().supported_cpuid()) < 0) {
    return ErrnoError("KVM_SET_CPUID2", errno);
  }
  return std::unique_ptr<Vcpu>(new Vcpu(std::move(fd), std::move(mapping)));
}

int Vcpu::Run() {
  if (::ioctl(fd_.get(), KVM_RUN, 0) < 0) return errno;
  run_->kvm_dirty_regs = 0;
  return 0;
}

absl::Status Vcpu::CompletePendingExit() {
  __atomic_store_n(&run_->immediate_exit, 1, __ATOMIC_SEQ_CST);
  int err = ::ioctl(fd_.get(), KVM_RUN, 0) < 0 ? errno : 0;
  __atomic_store_n(&run_->immediate_exit, 0, __ATOMIC_SEQ_CST);
  if (err != EINTR && err != 0) return ErrnoError("KVM_RUN (complete)", err);
  return absl::OkStatus();
}

absl::StatusOr<kvm_sregs> Vcpu::GetSregs() const {
  kvm_sregs sregs;
  if (::ioctl(fd_.get(), KVM_GET_SREGS, &sregs) < 0) {
    return ErrnoError("KVM_GET_SREGS", errno);
  }
  if (task_register_type_ != 0) sregs.tr.type = task_register_type_;
  return sregs;
}

absl::Status Vcpu::SetSregs(const kvm_sregs& sregs) {
  if (::ioctl(fd_.get(), KVM_SET_SREGS, &sregs) < 0) {
    return ErrnoError("KVM_SET_SREGS", errno);
  }
  task_register_type_ = sregs.tr.type;
  return absl::OkStatus();
}

absl::StatusOr<XsaveArea> Vcpu::GetXsave() const {
  XsaveArea xsave;
  if (::ioctl(fd_.get(), kKvmGetXsave, xsave.data()) < 0) {
    return ErrnoError("KVM_GET_XSAVE", errno);
  }
  return xsave;
}

absl::Status Vcpu::SetXsave(const XsaveArea& xsave) {
  if (::ioctl(fd_.get(), kKvmSetXsave, xsave.data()) < 0) {
    return ErrnoError("KVM_SET_XSAVE", errno);
  }
  return absl::OkStatus();
}

absl::Status Vcpu::ClearEvents() {
  kvm_vcpu_events events = {};
  if (::ioctl(fd_.get(), KVM_SET_VCPU_EVENTS, &events) < 0) {
    return ErrnoError("KVM_SET_VCPU_EVENTS", errno);
  }
  return absl::OkStatus();
}

}  // namespace wasp
