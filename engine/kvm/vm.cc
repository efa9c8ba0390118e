#include "engine/kvm/vm.h"

#include <sys/ioctl.h>

#include <cerrno>

#include "engine/status_macros.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<Vm>> Vm::Create(const KvmSystem& kvm) {
  UniqueFd fd;
  // KVM_CREATE_VM can fail with EINTR when a signal lands during setup.
  do {
    fd.reset(::ioctl(kvm.fd(), KVM_CREATE_VM, 0));
  } while (!fd.valid() && errno == EINTR);
  if (!fd.valid()) {
    return ErrnoError("KVM_CREATE_VM", errno,
                      "too many VMs or too little memory?");
  }
  return std::unique_ptr<Vm>(new Vm(kvm, std::move(fd)));
}

absl::Status Vm::MapMemory(uint32_t slot, uint64_t guest_phys, void* host,
                           uint64_t size, uint32_t flags) {
  kvm_userspace_memory_region region = {
      .slot = slot,
      .flags = flags,
      .guest_phys_addr = guest_phys,
      .memory_size = size,
      .userspace_addr = reinterpret_cast<uint64_t>(host),
  };
  if (::ioctl(fd(), KVM_SET_USER_MEMORY_REGION, &region) < 0) {
    return ErrnoError("KVM_SET_USER_MEMORY_REGION", errno);
  }
  return absl::OkStatus();
}

}  // namespace wasp
