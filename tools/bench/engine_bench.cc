// Engine micro-benchmarks and the upstream paper's figures (paper_figures.cc)
// in one run. Prints Google Benchmark's table, each figure as a ratio to the
// raw KVM exit round trip measured in the same run, and the targets.
#include <benchmark/benchmark.h>

#include <memory>

#include "absl/strings/str_format.h"
#include "engine/guest_memory.h"
#include "engine/kvm/kvm_system.h"
#include "engine/kvm/vcpu.h"
#include "engine/kvm/vm.h"
#include "engine/virtine.h"
#include "engine/x86/long_mode.h"
#include "tests/guests/exit_code_image.h"
#include "tests/guests/hypercall_loop_image.h"
#include "tests/guests/out_loop_image.h"
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
