#include "engine/budget.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace wasp {
namespace {

constexpr std::chrono::milliseconds kTick(1);
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
    std::lock_guard lock(mu_);
    budgets_.push_back(budget);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }

  // After this returns the watchdog never touches `budget` again.
  void Unregister(RunBudget* budget) {
    std::lock_guard lock(mu_);
    budgets_.erase(std::remove(budgets_.begin(), budgets_.end(), budget),
                   budgets_.end());
  }

  // Called after a deadline is stored (seq_cst on both sides, so either the
  // watchdog sees the deadline or the armer sees it asleep).
  void WakeIfSleeping() {
    if (!sleeping_.load(std::memory_order_seq_cst)) return;
    std::lock_guard lock(mu_);
    sleeping_.store(false, std::memory_order_seq_cst);
    wake_.notify_one();
  }

  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      sleeping_.store(false);
      wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  Watchdog() = default;

  // Kicks every run over budget; returns whether any budget is armed.
  bool Scan() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    bool armed = false;
    for (RunBudget* budget : budgets_) armed |= budget->Check();
    return armed;
  }

  bool Awake() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !sleeping_.load() || stop_;
  }

  void Loop() {
    int idle_ticks = 0;
    std::unique_lock lock(mu_);
    while (!stop_) {
      wake_.wait_for(lock, kTick, [this] { return stop_; });
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
      wake_.wait(lock, [this] { return Awake(); });
      idle_ticks = 0;
    }
  }

  // std::mutex, not absl::Mutex: ThreadSanitizer sees its synchronisation
  // (Debian's Abseil is not instrumented).
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<RunBudget*> budgets_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> sleeping_{false};
  std::thread thread_;
};

}  // namespace

int BudgetSignal() { return SIGRTMIN + 2; }

// The kernel's id of the calling thread, asked once per thread.
pid_t CurrentTid() {
  thread_local const pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
  return tid;
}

// CPU time of thread `tid` (Linux's per-thread CPU clock); -1 if it is gone.
int64_t ThreadCpuNs(pid_t tid) {
  constexpr clockid_t kPerThreadSched = 6;  // CPUCLOCK_PERTHREAD | SCHED
  clockid_t clock = (~static_cast<clockid_t>(tid) << 3) | kPerThreadSched;
  timespec ts;
  if (::clock_gettime(clock, &ts) != 0) return -1;
  return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

RunBudget::RunBudget(kvm_run* run) : run_(run) {
  InstallSignalHandler();
  Watchdog::Get().Register(this);
}

RunBudget::~RunBudget() { Watchdog::Get().Unregister(this); }

void RunBudget::Arm(absl::Duration budget) {
  if (budget == absl::InfiniteDuration()) return Disarm();
  thread_.store(pthread_self(), std::memory_order_relaxed);
  tid_.store(CurrentTid(), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  // Never 0, which means "disarmed".
  budget_ns_.store(std::max<int64_t>(1, absl::ToInt64Nanoseconds(budget)),
                   std::memory_order_seq_cst);
  Watchdog::Get().WakeIfSleeping();
}

// The CPU clock starts at the first check after Arm(): a run is measured
// from at most one tick after it began.
bool RunBudget::Check() {
  int64_t budget = budget_ns_.load(std::memory_order_seq_cst);
  if (budget == 0) return false;
  uint64_t generation = generation_.load(std::memory_order_acquire);
  int64_t cpu = ThreadCpuNs(tid_.load(std::memory_order_relaxed));
  if (cpu < 0) return true;
  if (generation != seen_generation_) {
    seen_generation_ = generation;
    cpu_at_start_ns_ = cpu;
    return true;
  }
  if (cpu - cpu_at_start_ns_ >= budget &&
      expired_generation_.load(std::memory_order_relaxed) != generation) {
    expired_generation_.store(generation, std::memory_order_release);
    Kick();
  }
  return true;
}

void RunBudget::Kick() {
  __atomic_store_n(&run_->immediate_exit, 1, __ATOMIC_SEQ_CST);
  pthread_kill(thread_.load(std::memory_order_relaxed), BudgetSignal());
}

}  // namespace wasp
