#include "engine/kvm/vm.h"

#include <sys/ioctl.h>

#include <cerrno>

#include "base/status_macros.h"

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

bool Vm::HasManualDirtyLogProtect() const {
  int caps =
      ::ioctl(fd(), KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
  return caps > 0 && (caps & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE) != 0;
}

absl::StatusOr<bool> Vm::EnableManualDirtyLogProtect() {
  if (!HasManualDirtyLogProtect()) return false;
  kvm_enable_cap cap = {.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
                        .args = {KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE}};
  if (::ioctl(fd(), KVM_ENABLE_CAP, &cap) < 0) {
    return ErrnoError("KVM_ENABLE_CAP(MANUAL_DIRTY_LOG_PROTECT2)", errno);
  }
  return true;
}

absl::Status Vm::GetDirtyLog(uint32_t slot, uint64_t* bitmap) {
  kvm_dirty_log log = {};
  log.slot = slot;
  log.dirty_bitmap = bitmap;
  if (::ioctl(fd(), KVM_GET_DIRTY_LOG, &log) < 0) {
    return ErrnoError("KVM_GET_DIRTY_LOG", errno);
  }
  return absl::OkStatus();
}

absl::Status Vm::ClearDirtyLog(uint32_t slot, uint64_t pages,
                               uint64_t* bitmap) {
  kvm_clear_dirty_log log = {};
  log.slot = slot;
  log.num_pages = static_cast<uint32_t>(pages);
  log.first_page = 0;
  log.dirty_bitmap = bitmap;
  if (::ioctl(fd(), KVM_CLEAR_DIRTY_LOG, &log) < 0) {
    return ErrnoError("KVM_CLEAR_DIRTY_LOG", errno);
  }
  return absl::OkStatus();
}

}  // namespace wasp
