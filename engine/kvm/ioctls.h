// KVM ioctl numbers for structs that end in a flexible array. The uapi
// headers declare those arrays with __DECLARE_FLEX_ARRAY, whose empty struct
// has size 1 in C++ but 0 in C; g++ therefore computes different ioctl
// numbers (and array offsets) than the kernel expects. These are C's.
#ifndef WASP_ENGINE_KVM_IOCTLS_H_
#define WASP_ENGINE_KVM_IOCTLS_H_

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>

namespace wasp {

// Size of the fixed header of kvm_cpuid2 and kvm_msrs (nent/nmsrs + pad).
inline constexpr size_t kKvmArrayHeaderSize = 8;
inline constexpr size_t kKvmXsaveSize = 4096;

inline constexpr unsigned long kKvmGetSupportedCpuid =
    _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, kKvmArrayHeaderSize);
inline constexpr unsigned long kKvmSetCpuid2 =
    _IOC(_IOC_WRITE, KVMIO, 0x90, kKvmArrayHeaderSize);
inline constexpr unsigned long kKvmGetMsrs =
    _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x88, kKvmArrayHeaderSize);
inline constexpr unsigned long kKvmSetMsrs =
    _IOC(_IOC_WRITE, KVMIO, 0x89, kKvmArrayHeaderSize);
inline constexpr unsigned long kKvmGetXsave =
    _IOC(_IOC_READ, KVMIO, 0xa4, kKvmXsaveSize);
inline constexpr unsigned long kKvmSetXsave =
    _IOC(_IOC_WRITE, KVMIO, 0xa5, kKvmXsaveSize);

}  // namespace wasp

#endif  // WASP_ENGINE_KVM_IOCTLS_H_
