// The process-wide handle on /dev/kvm and what this host's KVM supports.
#ifndef WASP_ENGINE_KVM_KVM_SYSTEM_H_
#define WASP_ENGINE_KVM_KVM_SYSTEM_H_

#include <linux/kvm.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"

namespace wasp {

class KvmSystem final {
 public:
  // Opens /dev/kvm once per process and checks the capabilities Wasp needs.
  // The error says how to fix a missing or unreadable /dev/kvm.
  static absl::StatusOr<const KvmSystem*> Get();

  int fd() const { return fd_.get(); }
  size_t vcpu_mmap_size() const { return vcpu_mmap_size_; }
  // CPUID leaves to give every vCPU: a kvm_cpuid2 as the kernel lays it out
  // (see ioctls.h for why this is bytes).
  const uint8_t* supported_cpuid() const { return cpuid_.data(); }

 private:
  KvmSystem() = default;
  static absl::StatusOr<std::unique_ptr<KvmSystem>> Open();

  UniqueFd fd_;
  size_t vcpu_mmap_size_ = 0;
  std::vector<uint8_t> cpuid_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_KVM_KVM_SYSTEM_H_
