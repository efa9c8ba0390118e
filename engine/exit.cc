#include "engine/exit.h"

#include "absl/strings/str_format.h"

namespace wasp {
namespace {

const char* ExceptionName(uint32_t vector) {
  static constexpr const char* kNames[] = {"divide error",
                                           "debug",
                                           "NMI",
                                           "breakpoint",
                                           "overflow",
                                           "bound range",
                                           "invalid opcode",
                                           "device not available",
                                           "double fault",
                                           "coprocessor overrun",
                                           "invalid TSS",
                                           "segment not present",
                                           "stack fault",
                                           "general protection fault",
                                           "page fault",
                                           "reserved",
                                           "x87 FP error",
                                           "alignment check",
                                           "machine check",
                                           "SIMD FP error",
                                           "virtualization",
                                           "control protection"};
  return vector < std::size(kNames) ? kNames[vector] : "reserved exception";
}

}  // namespace

std::string Fault::ToString() const {
  switch (kind) {
    case FaultKind::kTripleFault:
      return absl::StrFormat("triple fault (shutdown) at rip %#x", rip);
    case FaultKind::kException:
      if (vector == 14) {
        return absl::StrFormat(
            "page fault at rip %#x: %s of address %#x (error code %#x)", rip,
            (error_code & 2)    ? "write"
            : (error_code & 16) ? "fetch"
                                : "read",
            address, error_code);
      }
      return absl::StrFormat("%s (vector %u) at rip %#x, error code %#x",
                             ExceptionName(vector), vector, rip, error_code);
    case FaultKind::kOutsideMemory:
      return absl::StrFormat(
          "access outside guest memory at address %#x, rip %#x", address, rip);
    case FaultKind::kUnknownPort:
      return absl::StrFormat("I/O to unknown port %#x at rip %#x", address,
                             rip);
    case FaultKind::kBadHypercall:
      return absl::StrFormat("refused hypercall %u at rip %#x", address, rip);
    case FaultKind::kEmulationError:
      return absl::StrFormat("instruction KVM cannot emulate at rip %#x", rip);
    case FaultKind::kInternalError:
      return absl::StrFormat("KVM internal error (suberror %u) at rip %#x",
                             error_code, rip);
    case FaultKind::kUnknownExit:
      return absl::StrFormat("unhandled KVM exit reason %u at rip %#x", vector,
                             rip);
  }
  return "unknown fault";
}

const char* ExitReasonName(ExitReason reason) {
  switch (reason) {
    case ExitReason::Hypercall:
      return "hypercall";
    case ExitReason::Exited:
      return "exited";
    case ExitReason::Halted:
      return "halted";
    case ExitReason::Fault:
      return "fault";
    case ExitReason::Timeout:
      return "timeout";
  }
  return "unknown";
}

std::string Exit::ToString() const {
  switch (reason) {
    case ExitReason::Exited:
      return absl::StrFormat("exited with code %d", exit_code);
    case ExitReason::Fault:
      return absl::StrCat("fault: ", fault.ToString());
    case ExitReason::Hypercall:
      return absl::StrFormat("hypercall %u", hypercall.number);
    default:
      return ExitReasonName(reason);
  }
}

}  // namespace wasp
