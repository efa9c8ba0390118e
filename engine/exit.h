// What a virtine did when run() returned: a value, never an error. Host
// failures are absl::Status; guest behaviour is an Exit.
#ifndef WASP_ENGINE_EXIT_H_
#define WASP_ENGINE_EXIT_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace wasp {

// Upstream spellings (wasp::ExitReason::Hypercall, ...) are kept on purpose.
enum class ExitReason {
  Hypercall,  // a hypercall no handler answered: the caller handles it
  Exited,     // the guest wrote to the exit port
  Halted,     // `hlt`
  Fault,      // see Fault::kind
  Timeout,    // the CPU-time budget ran out; run() again to continue
};

enum class FaultKind {
  kTripleFault,     // KVM_EXIT_SHUTDOWN
  kException,       // a CPU exception caught by the host's stubs
  kOutsideMemory,   // an access to a guest-physical address with no memory
  kUnknownPort,     // I/O to a port that is not part of the ABI
  kBadHypercall,    // refused by policy (unknown or not allowed)
  kEmulationError,  // KVM could not emulate an instruction
  kInternalError,   // KVM_EXIT_INTERNAL_ERROR or FAIL_ENTRY
  kUnknownExit,     // an exit reason Wasp does not handle
};

struct Fault {
  FaultKind kind = FaultKind::kUnknownExit;
  uint64_t rip = 0;
  uint64_t address = 0;  // faulting address, port or hypercall number
  uint32_t vector = 0;   // exception vector, or the raw KVM exit reason
  uint64_t error_code = 0;

  std::string ToString() const;
};

struct Hypercall {
  uint64_t number = 0;
  std::array<uint64_t, 6> args = {};
};

struct Exit {
  ExitReason reason = ExitReason::Exited;
  int64_t exit_code = 0;  // for Exited
  Fault fault;            // for Fault
  Hypercall hypercall;    // for Hypercall

  std::string ToString() const;
};

const char* ExitReasonName(ExitReason reason);

inline bool operator==(const Exit& exit, ExitReason reason) {
  return exit.reason == reason;
}
// Lets the upstream loop `auto res = v.run(); if (res == ExitReason::X)`
// compile unchanged; a host error equals no reason.
inline bool operator==(const absl::StatusOr<Exit>& exit, ExitReason reason) {
  return exit.ok() && exit->reason == reason;
}

}  // namespace wasp

#endif  // WASP_ENGINE_EXIT_H_
