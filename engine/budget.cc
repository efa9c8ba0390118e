#include "engine/budget.h"

#include <signal.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace wasp {
namespace {

constexpr absl::Duration kTick = absl::Milliseconds(1);
// After this many ticks with nothing armed the watchdog sleeps until woken.
constexpr int kIdleTicksBeforeSleep = 200;

void NoOpHandler(int) {}

void InstallSignalHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action = {};
    action.sa_handler = NoOpHandler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(BudgetSignal(), &action, nullptr);
  });
}

class Watchdog {
 public:
  static Watchdog& Get() {
    static Watchdog watchdog;
    return watchdog;
  }

  void Register(RunBudget* budget) {
    absl::MutexLock lock(&mu_);
    budgets_.push_back(budget);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }

  // After this returns the watchdog never touches `budget` again.
  void Unregister(RunBudget* budget) {
    absl::MutexLock lock(&mu_);
    budgets_.erase(std::remove(budgets_.begin(), budgets_.end(), budget),
                   budgets_.end());
  }

  // Called after a deadline is stored (seq_cst on both sides, so either the
  // watchdog sees the deadline or the armer sees it asleep).
  void WakeIfSleeping() {
    if (!sleeping_.load(std::memory_order_seq_cst)) return;
    absl::MutexLock lock(&mu_);
    sleeping_.store(false, std::memory_order_seq_cst);
  }

  ~Watchdog() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
      sleeping_.store(false);
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  Watchdog() = default;

  // Kicks every expired budget; returns whether any budget is armed.
  bool Scan() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int64_t now = absl::ToUnixNanos(absl::Now());
    bool armed = false;
    for (RunBudget* budget : budgets_) {
      int64_t deadline = budget->deadline_ns();
      if (deadline == 0) continue;
      armed = true;
      if (now >= deadline) budget->Kick();
    }
    return armed;
  }

  bool Awake() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !sleeping_.load() || stop_;
  }

  void Loop() {
    int idle_ticks = 0;
    absl::MutexLock lock(&mu_);
    while (!stop_) {
      mu_.AwaitWithTimeout(absl::Condition(
                               +[](bool* stop) { return *stop; }, &stop_),
                           kTick);
      if (Scan()) {
        idle_ticks = 0;
        continue;
      }
      if (++idle_ticks < kIdleTicksBeforeSleep) continue;
      sleeping_.store(true, std::memory_order_seq_cst);
      if (Scan()) {  // an Arm() that raced with going to sleep
        sleeping_.store(false, std::memory_order_seq_cst);
        continue;
      }
      mu_.Await(absl::Condition(this, &Watchdog::Awake));
      idle_ticks = 0;
    }
  }

  absl::Mutex mu_;
  std::vector<RunBudget*> budgets_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> sleeping_{false};
  std::thread thread_;
};

}  // namespace

int BudgetSignal() { return SIGRTMIN + 2; }

RunBudget::RunBudget(kvm_run* run) : run_(run) {
  InstallSignalHandler();
  Watchdog::Get().Register(this);
}

RunBudget::~RunBudget() { Watchdog::Get().Unregister(this); }

void RunBudget::Arm(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return Disarm();
  thread_.store(pthread_self(), std::memory_order_relaxed);
  // Never 0, which means "disarmed".
  deadline_ns_.store(std::max<int64_t>(1, absl::ToUnixNanos(deadline)),
                     std::memory_order_seq_cst);
  Watchdog::Get().WakeIfSleeping();
}

bool RunBudget::Expired() const {
  int64_t deadline = deadline_ns_.load(std::memory_order_acquire);
  return deadline != 0 && absl::ToUnixNanos(absl::Now()) >= deadline;
}

void RunBudget::Kick() {
  __atomic_store_n(&run_->immediate_exit, 1, __ATOMIC_SEQ_CST);
  pthread_kill(thread_.load(std::memory_order_relaxed), BudgetSignal());
}

}  // namespace wasp
