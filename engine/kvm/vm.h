// One KVM virtual machine: its fd and its guest-physical memory slots.
#ifndef WASP_ENGINE_KVM_VM_H_
#define WASP_ENGINE_KVM_VM_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"
#include "engine/kvm/kvm_system.h"

namespace wasp {

class Vm final {
 public:
  static absl::StatusOr<std::unique_ptr<Vm>> Create(const KvmSystem& kvm);
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // Backs [guest_phys, guest_phys + size) with host memory at `host`.
  absl::Status MapMemory(uint32_t slot, uint64_t guest_phys, void* host,
                         uint64_t size, uint32_t flags = 0);

  // Dirty logging of a slot mapped with KVM_MEM_LOG_DIRTY_PAGES. With manual
  // protection (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2; false when the kernel lacks
  // it) reading the log leaves pages writable until ClearDirtyLog, so that a
  // page written every run faults only once.
  bool HasManualDirtyLogProtect() const;
  absl::StatusOr<bool> EnableManualDirtyLogProtect();
  // Writes the slot's log into `bitmap` (a bit per page, rounded up to 64).
  absl::Status GetDirtyLog(uint32_t slot, uint64_t* bitmap);
  // Clears (and write-protects again) the pages set in `bitmap`, all pages of
  // the slot's first `pages`; manual protection only.
  absl::Status ClearDirtyLog(uint32_t slot, uint64_t pages, uint64_t* bitmap);

  const KvmSystem& kvm() const { return kvm_; }
  int fd() const { return fd_.get(); }

 private:
  Vm(const KvmSystem& kvm, UniqueFd fd) : kvm_(kvm), fd_(std::move(fd)) {}

  const KvmSystem& kvm_;
  UniqueFd fd_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_KVM_VM_H_
