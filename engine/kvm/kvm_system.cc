#include "engine/kvm/kvm_system.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/kvm/ioctls.h"

namespace wasp {
namespace {

constexpr int kMaxCpuidEntries = 256;

absl::Status RequireExtension(int kvm, int cap, const char* name) {
  if (::ioctl(kvm, KVM_CHECK_EXTENSION, cap) <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("this host's KVM lacks ", name, ", which Wasp needs"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KvmSystem>> KvmSystem::Open() {
  auto kvm = std::unique_ptr<KvmSystem>(new KvmSystem());
  kvm->fd_.reset(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
  if (!kvm->fd_.valid()) {
    int err = errno;
    const char* hint =
        err == ENOENT ? "is KVM enabled? try `modprobe kvm_intel` or "
                        "`modprobe kvm_amd`, or enable virtualization in "
                        "the firmware"
        : err == EACCES || err == EPERM
            ? "is /dev/kvm readable? add yourself to the kvm group "
              "(`sudo usermod -aG kvm $USER`) or `sudo chmod 666 /dev/kvm`"
            : "is /dev/kvm a working KVM device?";
    return ErrnoError("open(/dev/kvm)", err, hint);
  }
  int fd = kvm->fd();
  int version = ::ioctl(fd, KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION) {
    return absl::FailedPreconditionError(absl::StrCat(
        "KVM API version is ", version, ", Wasp needs ", KVM_API_VERSION));
  }
  RETURN_IF_ERROR(
      RequireExtension(fd, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"));
  RETURN_IF_ERROR(
      RequireExtension(fd, KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"));
  int sync = ::ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
  if (sync < 0 || (sync & KVM_SYNC_X86_REGS) == 0) {
    return absl::FailedPreconditionError(
        "this host's KVM lacks KVM_CAP_SYNC_REGS (Linux 4.16 or newer)");
  }
  int mmap_size = ::ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (mmap_size <= 0) return ErrnoError("KVM_GET_VCPU_MMAP_SIZE", errno);
  kvm->vcpu_mmap_size_ = static_cast<size_t>(mmap_size);

  kvm->cpuid_.assign(
      kKvmArrayHeaderSize + kMaxCpuidEntries * sizeof(kvm_cpuid_entry2), 0);
  uint32_t nent = kMaxCpuidEntries;
  std::memcpy(kvm->cpuid_.data(), &nent, sizeof nent);
  if (::ioctl(fd, kKvmGetSupportedCpuid, kvm->cpuid_.data()) < 0) {
    return ErrnoError("KVM_GET_SUPPORTED_CPUID", errno);
  }
  return kvm;
}

absl::StatusOr<const KvmSystem*> KvmSystem::Get() {
  // Opened once; a failure is remembered so every caller sees the same error.
  static const absl::StatusOr<std::unique_ptr<KvmSystem>> kvm = Open();
  if (!kvm.ok()) return kvm.status();
  return kvm->get();
}

}  // namespace wasp
