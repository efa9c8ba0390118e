// CPU-time budgets. A run of guest code is armed with a deadline; one
// watchdog thread per process kicks a vCPU that passes its deadline out of
// KVM_RUN (immediate_exit plus a signal; see docs/cancellation.md). Arming
// is two atomic stores: no syscall and no exit on the fast path.
#ifndef WASP_ENGINE_BUDGET_H_
#define WASP_ENGINE_BUDGET_H_

#include <linux/kvm.h>
#include <pthread.h>

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace wasp {

// The signal the watchdog sends to a vCPU thread (a no-op handler is
// installed with SA_RESTART, so other syscalls of that thread are restarted).
int BudgetSignal();

class RunBudget final {
 public:
  // Registers with the watchdog; `run` is the vCPU's kvm_run page.
  explicit RunBudget(kvm_run* run);
  ~RunBudget();
  RunBudget(const RunBudget&) = delete;
  RunBudget& operator=(const RunBudget&) = delete;

  // Guest code runs on the calling thread until Disarm().
  void Arm(absl::Time deadline);
  void Disarm() { deadline_ns_.store(0, std::memory_order_release); }
  // True once the armed deadline has passed.
  bool Expired() const;

  // Watchdog side.
  int64_t deadline_ns() const {
    return deadline_ns_.load(std::memory_order_seq_cst);
  }
  void Kick();

 private:
  kvm_run* const run_;
  std::atomic<int64_t> deadline_ns_{0};
  std::atomic<pthread_t> thread_{};
};

}  // namespace wasp

#endif  // WASP_ENGINE_BUDGET_H_
