// CPU-time budgets. A run of guest code is armed with a budget of CPU time
// on its thread; one watchdog thread per process reads that thread's CPU
// clock and kicks a vCPU that used up its budget out of KVM_RUN
// (immediate_exit plus a signal; see docs/cancellation.md). Arming is a few
// atomic stores: no syscall and no exit on the fast path. Time the thread
// spends preempted does not count.
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

  // Guest code runs on the calling thread, for at most `budget` of that
  // thread's CPU time, until Disarm(). An infinite budget disarms.
  void Arm(absl::Duration budget);
  void Disarm() { budget_ns_.store(0, std::memory_order_release); }
  // True once the watchdog found the armed run over its budget.
  bool Expired() const {
    uint64_t generation = generation_.load(std::memory_order_acquire);
    return generation != 0 &&
           expired_generation_.load(std::memory_order_acquire) == generation;
  }

  // Watchdog side, under its lock: measures the armed run and kicks it when
  // it is over budget. Returns whether a run is armed.
  bool Check();

 private:
  void Kick();

  kvm_run* const run_;
  std::atomic<uint64_t> generation_{0};  // one per Arm()
  std::atomic<int64_t> budget_ns_{0};    // 0: disarmed
  std::atomic<pid_t> tid_{0};            // the armed thread
  std::atomic<pthread_t> thread_{};
  std::atomic<uint64_t> expired_generation_{0};
  // Only the watchdog touches these.
  uint64_t seen_generation_ = 0;
  int64_t cpu_at_start_ns_ = 0;
};

}  // namespace wasp

#endif  // WASP_ENGINE_BUDGET_H_
