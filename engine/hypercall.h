// The hypercall dispatcher: a table from number to handler, and the
// per-virtine allowlist (upstream's per-function whitelist). An embedder adds
// handlers here; the vCPU run loop never changes.
#ifndef WASP_ENGINE_HYPERCALL_H_
#define WASP_ENGINE_HYPERCALL_H_

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>

#include "absl/status/status.h"
#include "engine/exit.h"
#include "guest/abi/hypercall.h"

namespace wasp {

class Virtine;

// What a handler tells the run loop to do next.
struct HypercallResult {
  enum class Action {
    kReturn,  // write `value` to RAX and resume the guest
    kYield,   // return ExitReason::Hypercall; the caller resumes later
    kFault,   // stop the virtine with a kBadHypercall fault
  };
  Action action = Action::kReturn;
  int64_t value = 0;

  static HypercallResult Return(int64_t value) {
    return {Action::kReturn, value};
  }
  static HypercallResult Error(int wasp_errno) {
    return {Action::kReturn, -static_cast<int64_t>(wasp_errno)};
  }
  static HypercallResult Yield() { return {Action::kYield, 0}; }
  static HypercallResult Fault() { return {Action::kFault, 0}; }
};

using HypercallHandler =
    std::function<HypercallResult(Virtine&, const Hypercall&)>;

// Which hypercall numbers a virtine may make.
class HypercallAllowlist {
 public:
  static HypercallAllowlist All() { return HypercallAllowlist(~0ull); }
  static HypercallAllowlist None() { return HypercallAllowlist(0); }
  static HypercallAllowlist Of(std::initializer_list<uint64_t> numbers) {
    HypercallAllowlist list(0);
    for (uint64_t n : numbers) list.Allow(n);
    return list;
  }

  void Allow(uint64_t number) {
    if (number <= WASP_HC_MAX) mask_ |= 1ull << number;
  }
  bool Allows(uint64_t number) const {
    return number <= WASP_HC_MAX && (mask_ >> number) & 1;
  }

 private:
  explicit HypercallAllowlist(uint64_t mask) : mask_(mask) {}
  uint64_t mask_;
};

// What to do with a hypercall that is unknown or not allowed.
enum class BadHypercallPolicy {
  kReturnError,  // -WASP_ENOSYS / -WASP_EPERM in RAX; the guest goes on
  kFault,        // stop the virtine
};

class HypercallTable {
 public:
  // Replaces any handler already registered for `number`.
  absl::Status Register(uint64_t number, HypercallHandler handler);
  // nullptr when no handler is registered.
  const HypercallHandler* Find(uint64_t number) const;

 private:
  std::array<HypercallHandler, WASP_HC_MAX + 1> handlers_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_HYPERCALL_H_
