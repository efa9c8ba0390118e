// Engine micro-benchmarks and the upstream paper's figures (paper_figures.cc)
// in one run. Prints Google Benchmark's table, each figure as a ratio to the
// raw KVM exit round trip measured in the same run, and the targets.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/cache.h"
#include "engine/guest_memory.h"
#include "engine/kvm/kvm_system.h"
#include "engine/kvm/vcpu.h"
#include "engine/kvm/vm.h"
#include "engine/process_memory.h"
#include "engine/virtine.h"
#include "engine/x86/long_mode.h"
#include "guest/programs/square_image.h"
#include "tests/guests/exit_code_image.h"
#include "tests/guests/hypercall_loop_image.h"
#include "tests/guests/out_loop_image.h"
#include "tests/guests/park_resume_image.h"
#include "tools/bench/ratio_reporter.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 1 << 20;

void Check(const absl::Status& status, benchmark::State& state) {
  if (!status.ok()) state.SkipWithError(status.ToString().c_str());
}

// The floor: KVM_RUN on a guest doing `out` in a loop, through nothing but
// the ioctl. The same long-mode machine as a virtine.
void BM_RawExitRoundTrip(benchmark::State& state) {
  auto kvm = KvmSystem::Get();
  if (!kvm.ok()) return Check(kvm.status(), state);
  auto memory = GuestMemory::Allocate(kMemory);
  auto vm = Vm::Create(**kvm);
  if (!memory.ok() || !vm.ok()) return Check(vm.status(), state);
  Image image = images::out_loop();
  Check(memory->Write(image.load_address, image.bytes), state);
  Check(x86::BuildSystemArea(*memory, {}), state);
  Check((*vm)->MapMemory(0, 0, memory->host_base(), memory->size()), state);
  auto vcpu = Vcpu::Create(**vm, 0);
  if (!vcpu.ok()) return Check(vcpu.status(), state);
  auto sregs = (*vcpu)->GetSregs();
  x86::SetLongModeSregs(*sregs);
  Check((*vcpu)->SetSregs(*sregs), state);
  (*vcpu)->mutable_regs() = x86::LongModeEntryRegs(image.entry, kMemory);
  for (auto _ : state) {
    if ((*vcpu)->Run() != 0) state.SkipWithError("KVM_RUN failed");
  }
}
BENCHMARK(BM_RawExitRoundTrip)->MinTime(1.0);

// One hypercall answered by a handler inside run(): the dispatcher's cost.
void BM_HypercallDispatch(benchmark::State& state) {
  // Batches of hypercalls per run(), so that arming the budget and leaving
  // run() are not counted: the handler yields after the last of a batch.
  constexpr int kBatch = 1000;
  int remaining = 0;
  HypercallTable table;
  Check(table.Register(10,
                       [&remaining](Virtine&, const Hypercall&) {
                         return --remaining > 0 ? HypercallResult::Return(0)
                                                : HypercallResult::Yield();
                       }),
        state);
  auto virtine = Virtine::Create(kMemory, {.hypercalls = &table});
  if (!virtine.ok()) return Check(virtine.status(), state);
  Check((*virtine)->load(images::hypercall_loop()), state);
  int64_t calls = 0;
  for (auto _ : state) {
    remaining = kBatch;
    auto exit = (*virtine)->run();
    if (!exit.ok() || exit->reason != ExitReason::Hypercall) {
      state.SkipWithError("hypercall loop stopped");
    }
    calls += kBatch;
  }
  state.SetItemsProcessed(calls);
  state.SetLabel(kPerItem);
}
BENCHMARK(BM_HypercallDispatch)->MinTime(1.0);

// One run() per hypercall: arming the budget, one exit, yielding back.
void BM_HypercallRunYield(benchmark::State& state) {
  HypercallTable table;
  Check(table.Register(10,
                       [](Virtine&, const Hypercall&) {
                         return HypercallResult::Yield();
                       }),
        state);
  auto virtine = Virtine::Create(kMemory, {.hypercalls = &table});
  if (!virtine.ok()) return Check(virtine.status(), state);
  Check((*virtine)->load(images::hypercall_loop()), state);
  for (auto _ : state) {
    auto exit = (*virtine)->run();
    if (!exit.ok() || exit->reason != ExitReason::Hypercall) {
      state.SkipWithError("hypercall loop stopped");
    }
  }
}
BENCHMARK(BM_HypercallRunYield)->MinTime(1.0);

void BM_VmAndVcpuCreation(benchmark::State& state) {
  auto kvm = KvmSystem::Get();
  if (!kvm.ok()) return Check(kvm.status(), state);
  for (auto _ : state) {
    auto vm = Vm::Create(**kvm);
    if (!vm.ok()) return Check(vm.status(), state);
    auto vcpu = Vcpu::Create(**vm, 0);
    if (!vcpu.ok()) return Check(vcpu.status(), state);
  }
}
BENCHMARK(BM_VmAndVcpuCreation)->MinTime(1.0);

// A trivial long-mode virtine, created, loaded and run from nothing.
void BM_ColdVirtineRun(benchmark::State& state) {
  for (auto _ : state) {
    auto virtine = Virtine::Create(kMemory);
    if (!virtine.ok()) return Check(virtine.status(), state);
    Check((*virtine)->load(images::exit_code()), state);
    auto exit = (*virtine)->run();
    if (!exit.ok() || exit->exit_code != 42) state.SkipWithError("bad exit");
  }
}
BENCHMARK(BM_ColdVirtineRun)->MinTime(1.0);

// The same virtine run again and again: run() plus reset().
void BM_WarmVirtineRunAndReset(benchmark::State& state) {
  auto virtine = Virtine::Create(kMemory);
  if (!virtine.ok()) return Check(virtine.status(), state);
  Check((*virtine)->load(images::exit_code()), state);
  for (auto _ : state) {
    auto exit = (*virtine)->run();
    if (!exit.ok() || exit->exit_code != 42) state.SkipWithError("bad exit");
    Check((*virtine)->reset(), state);
  }
}
BENCHMARK(BM_WarmVirtineRunAndReset)->MinTime(1.0);

// --- Hibernation, the shared snapshot image ---------------------------------

using Clock = std::chrono::steady_clock;

constexpr uint64_t kParkWait = 40;  // park_resume's PARK_HC_WAIT

double Seconds(Clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

std::string KindLabel(benchmark::State& state, const char* what) {
  return absl::StrFormat("%s, %d pages, %s",
                         ResetKindName(static_cast<ResetKind>(state.range(0))),
                         state.range(1), what);
}

// park_resume with its code read-only: a template virtine, run to its
// snapshot, that writes `pages` pages per call and waits at a hypercall.
std::unique_ptr<Virtine> ParkResumeTemplate(benchmark::State& state,
                                            ResetKind kind) {
  Image image = images::park_resume();
  image.read_only_size = 0x1000;
  auto virtine = Virtine::Create(kMemory, {.reset = kind});
  if (!virtine.ok()) {
    Check(virtine.status(), state);
    return nullptr;
  }
  Check((*virtine)->load(image), state);
  Check((*virtine)->run_to_snapshot(absl::Now() + absl::Seconds(10)).status(),
        state);
  Check((*virtine)->reset(), state);
  return std::move(*virtine);
}

// A call of park_resume, from a fresh virtine to its wait, with `pages`
// pages written.
bool RunToWait(Virtine& virtine, uint64_t pages) {
  std::vector<uint8_t> arg(16);
  uint64_t seed = 7;
  std::memcpy(arg.data(), &seed, 8);
  std::memcpy(arg.data() + 8, &pages, 8);
  auto result = virtine.call(arg, absl::Now() + absl::Seconds(10));
  return result.ok() && result->exit.reason == ExitReason::Hypercall &&
         result->exit.hypercall.number == kParkWait;
}

// Hibernating a virtine that wrote `pages` pages: park(), then (after a
// reset, not counted) unpark() into the same fresh virtine, a clone on the
// shared image. Beside BM_ResetAfterPages: what a plain reset of the same
// pages costs.
void BM_ParkUnpark(benchmark::State& state) {
  auto kind = static_cast<ResetKind>(state.range(0));
  state.SetLabel(KindLabel(state, "park + unpark"));
  auto original = ParkResumeTemplate(state, kind);
  if (original == nullptr) return;
  auto clone = original->clone();
  if (!clone.ok()) return Check(clone.status(), state);
  Virtine& virtine = **clone;
  size_t parked_bytes = 0;
  for (auto _ : state) {
    if (!RunToWait(virtine, state.range(1))) {
      return state.SkipWithError("park_resume did not reach its wait");
    }
    Clock::time_point park_start = Clock::now();
    absl::StatusOr<ParkedVirtine> parked = virtine.park();
    Clock::duration park_time = Clock::now() - park_start;
    if (!parked.ok()) return Check(parked.status(), state);
    Check(virtine.reset(), state);
    Clock::time_point unpark_start = Clock::now();
    absl::Status unparked = virtine.unpark(*parked);
    Clock::duration unpark_time = Clock::now() - unpark_start;
    if (!unparked.ok()) return Check(unparked, state);
    state.SetIterationTime(Seconds(park_time + unpark_time));
    parked_bytes = parked->bytes();
    virtine.set_hypercall_result(0);
    auto exit = virtine.run();
    if (!exit.ok() || exit->reason != ExitReason::Exited) {
      return state.SkipWithError("the unparked call did not finish");
    }
    Check(virtine.reset(), state);
  }
  // In the label, not a counter: Google Benchmark's CSV aborts on a counter
  // that the first benchmark did not have.
  state.SetLabel(absl::StrFormat("%s, %.1f KiB parked",
                                 KindLabel(state, "park + unpark"),
                                 static_cast<double>(parked_bytes) / 1024));
}
BENCHMARK(BM_ParkUnpark)
    ->ArgsProduct({{static_cast<int>(ResetKind::kCopy),
                    static_cast<int>(ResetKind::kDirtyLog)},
                   {1, 4, 16, 64}})
    ->UseManualTime()
    ->MinTime(0.5);

// reset() after a call that wrote `pages` pages, of a virtine with its own
// (anonymous) memory or of a clone whose memory maps the shared snapshot
// image copy-on-write (what a Cache hands out).
void BM_ResetAfterPages(benchmark::State& state) {
  auto kind = static_cast<ResetKind>(state.range(0));
  bool clone = state.range(2) != 0;
  state.SetLabel(
      KindLabel(state, clone ? "clone on the shared image" : "own memory"));
  auto original = ParkResumeTemplate(state, kind);
  if (original == nullptr) return;
  std::unique_ptr<Virtine> copy;
  if (clone) {
    auto made = original->clone();
    if (!made.ok()) return Check(made.status(), state);
    copy = std::move(*made);
  }
  Virtine& virtine = clone ? *copy : *original;
  for (auto _ : state) {
    if (!RunToWait(virtine, state.range(1))) {
      return state.SkipWithError("park_resume did not reach its wait");
    }
    Clock::time_point start = Clock::now();
    absl::Status reset = virtine.reset();
    state.SetIterationTime(Seconds(Clock::now() - start));
    if (!reset.ok()) return Check(reset, state);
  }
}
BENCHMARK(BM_ResetAfterPages)
    ->ArgsProduct({{static_cast<int>(ResetKind::kCopy),
                    static_cast<int>(ResetKind::kDirtyLog)},
                   {1, 4, 16, 64},
                   {0, 1}})
    ->UseManualTime()
    ->MinTime(0.5);

// Memory per pooled virtine of 2 MiB running `square`: how much the
// process's PSS grows from an empty pool to `pool` virtines that each served
// a call and were reset, divided by the pool size (a counter, in KiB).
void BM_PooledVirtineMemory(benchmark::State& state) {
  constexpr uint64_t kPoolMemory = 2 << 20;
  const auto pool = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> arg(8);
  arg[0] = 12;
  double per_virtine = 0;
  for (auto _ : state) {
    Cache cache(kPoolMemory, {.max_virtines = pool, .shared = false});
    if (absl::Status loaded = cache.load(images::square()); !loaded.ok()) {
      return Check(loaded, state);
    }
    absl::StatusOr<uint64_t> before = ProportionalSetSize();
    if (!before.ok()) return Check(before.status(), state);
    std::vector<Virtine*> acquired;
    for (size_t i = 0; i < pool; ++i) {
      absl::StatusOr<Virtine*> virtine = cache.acquire();
      if (!virtine.ok()) return Check(virtine.status(), state);
      acquired.push_back(*virtine);
    }
    for (Virtine* virtine : acquired) {
      auto result = virtine->call(arg, absl::Now() + absl::Seconds(10));
      if (!result.ok() || result->exit.reason != ExitReason::Exited) {
        return state.SkipWithError("a pooled square call failed");
      }
    }
    for (Virtine* virtine : acquired) Check(cache.put(virtine), state);
    absl::StatusOr<uint64_t> after = ProportionalSetSize();
    if (!after.ok()) return Check(after.status(), state);
    per_virtine =
        static_cast<double>(*after > *before ? *after - *before : 0) / pool;
  }
  state.SetLabel(absl::StrFormat(
      "pool of %u, %u KiB of guest memory each: %.1f KiB PSS per virtine", pool,
      kPoolMemory >> 10, per_virtine / 1024));
}
BENCHMARK(BM_PooledVirtineMemory)
    ->Arg(8)
    ->Arg(64)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wasp

int main(int argc, char** argv) {
  return wasp::RunBenchmarksWithRatios(
      argc, argv, "BM_RawExitRoundTrip",
      {
          {"hypercall through the dispatcher / raw exit",
           "BM_HypercallDispatch", "BM_RawExitRoundTrip", 1.15, true},
          {"cached square call / raw exit", "BM_CachedSquareCall",
           "BM_RawExitRoundTrip", 1.5, true},
          {"fresh VM per call / cached square call", "BM_FreshVirtinePerCall",
           "BM_CachedSquareCall", 30, false},
          {"64 MiB image / 4 KiB image (cached square call)",
           "BM_ImageSizeCachedSquare/65536", "BM_ImageSizeCachedSquare/4", 1.2,
           true},
      });
}
