// The upstream paper's Fig. 8 (context creation), Fig. 11 (fib) and Fig. 12
// (image size), measured side by side with the engine's own figures.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/cache.h"
#include "engine/kvm/kvm_system.h"
#include "engine/kvm/vcpu.h"
#include "engine/kvm/vm.h"
#include "guest/programs/fib.h"
#include "guest/programs/fib_image.h"
#include "guest/programs/square_image.h"
#include "tools/bench/images/square_16m_image.h"
#include "tools/bench/images/square_1m_image.h"
#include "tools/bench/images/square_4k_image.h"
#include "tools/bench/images/square_64k_image.h"
#include "tools/bench/images/square_64m_image.h"

namespace wasp {
namespace {

// Stack (and heap) of a small function virtine, above its image: all of it
// is writable and reset after every call.
constexpr uint64_t kWorkingMemory = 64 << 10;

std::vector<uint8_t> Int64(int64_t value) {
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

uint64_t MemoryFor(const Image& image, uint64_t working = kWorkingMemory) {
  return image.load_address + image.bytes.size() + working;
}

std::unique_ptr<Cache> LoadedCache(benchmark::State& state, const Image& image,
                                   VirtineOptions options = {},
                                   uint64_t working = kWorkingMemory) {
  auto cache = std::make_unique<Cache>(
      MemoryFor(image, working),
      CacheOptions{.virtine = options, .shared = false});
  if (absl::Status status = cache->load(image); !status.ok()) {
    state.SkipWithError(status.ToString().c_str());
    return nullptr;
  }
  return cache;
}

void CallOrFail(benchmark::State& state, Cache& cache,
                const std::vector<uint8_t>& arg) {
  auto result = cache.call(arg, absl::Seconds(10));
  if (!result.ok() || result->exit.reason != ExitReason::Exited) {
    state.SkipWithError(result.ok() ? result->exit.ToString().c_str()
                                    : result.status().ToString().c_str());
  }
}

// --- Fig. 8: context creation ---------------------------------------------

void BM_ForkWaitpid(benchmark::State& state) {
  for (auto _ : state) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status;
    waitpid(pid, &status, 0);
  }
}
BENCHMARK(BM_ForkWaitpid)->MinTime(1.0);

void BM_PthreadCreateJoin(benchmark::State& state) {
  for (auto _ : state) {
    pthread_t thread;
    pthread_create(
        &thread, nullptr, [](void*) -> void* { return nullptr; }, nullptr);
    pthread_join(thread, nullptr);
  }
}
BENCHMARK(BM_PthreadCreateJoin)->MinTime(1.0);

// get, run `square`, put: a call in one exit from the snapshot.
void BM_CachedSquareCall(benchmark::State& state) {
  auto cache = LoadedCache(state, images::square());
  if (cache == nullptr) return;
  auto arg = Int64(12);
  for (auto _ : state) CallOrFail(state, *cache, arg);
}
BENCHMARK(BM_CachedSquareCall)->MinTime(1.0);

// The same call with each reset strategy forced, by writable memory (KiB):
// where copying stops being cheaper than logging dirty pages.
void BM_CachedSquareCallReset(benchmark::State& state) {
  auto kind = static_cast<ResetKind>(state.range(0));
  state.SetLabel(std::string(ResetKindName(kind)) + ", " +
                 std::to_string(state.range(1)) + " KiB writable");
  auto cache = LoadedCache(state, images::square(), {.reset = kind},
                           static_cast<uint64_t>(state.range(1)) << 10);
  if (cache == nullptr) return;
  auto arg = Int64(12);
  for (auto _ : state) CallOrFail(state, *cache, arg);
}
BENCHMARK(BM_CachedSquareCallReset)
    ->ArgsProduct({{static_cast<int>(ResetKind::kCopy),
                    static_cast<int>(ResetKind::kDirtyLog)},
                   {64, 256, 1024, 4096}})
    ->MinTime(0.5);

// What a cache saves: a new VM, image load and boot for every call.
void BM_FreshVirtinePerCall(benchmark::State& state) {
  Image image = images::square();
  auto arg = Int64(12);
  for (auto _ : state) {
    auto virtine = Virtine::Create(MemoryFor(image));
    if (!virtine.ok() || !(*virtine)->load(image).ok()) {
      return state.SkipWithError("cannot create a virtine");
    }
    auto result = (*virtine)->call(arg, absl::Now() + absl::Seconds(10));
    if (!result.ok() || result->exit.reason != ExitReason::Exited) {
      state.SkipWithError("call failed");
    }
  }
}
BENCHMARK(BM_FreshVirtinePerCall)->MinTime(1.0);

// --- Fig. 11: fib(n) --------------------------------------------------------

void BM_FibNative(benchmark::State& state) {
  int64_t n = state.range(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(wasp_fib(n));
  }
}
BENCHMARK(BM_FibNative)->Arg(0)->Arg(15)->Arg(20)->Arg(25)->MinTime(0.5);

void BM_FibVirtine(benchmark::State& state) {
  bool snapshots = state.range(1) != 0;
  state.SetLabel(snapshots ? "snapshot" : "no snapshot");
  auto cache = LoadedCache(state, images::fib(), {.snapshots = snapshots});
  if (cache == nullptr) return;
  auto arg = Int64(state.range(0));
  for (auto _ : state) CallOrFail(state, *cache, arg);
}
BENCHMARK(BM_FibVirtine)->ArgsProduct({{0, 15, 20, 25}, {0, 1}})->MinTime(0.5);

// --- Fig. 12: image size
// ------------------------------------------------------

Image PaddedSquare(int64_t kib) {
  switch (kib) {
    case 4:
      return images::square_4k();
    case 64:
      return images::square_64k();
    case 1024:
      return images::square_1m();
    case 16 << 10:
      return images::square_16m();
    default:
      return images::square_64m();
  }
}

void BM_ImageSizeCachedSquare(benchmark::State& state) {
  Image image = PaddedSquare(state.range(0));
  state.SetLabel(std::to_string(image.bytes.size() >> 10) + " KiB image");
  auto cache = LoadedCache(state, image);
  if (cache == nullptr) return;
  auto arg = Int64(12);
  for (auto _ : state) CallOrFail(state, *cache, arg);
}
BENCHMARK(BM_ImageSizeCachedSquare)
    ->Arg(4)
    ->Arg(64)
    ->Arg(1024)
    ->Arg(16 << 10)
    ->Arg(64 << 10)
    ->MinTime(1.0);

}  // namespace
}  // namespace wasp
