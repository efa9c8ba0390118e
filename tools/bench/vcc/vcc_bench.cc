// What the `virtine` keyword costs: a square() call through vcc beside the
// same call through the wasp::Cache API and natively, and fib(n) (paper
// Fig. 11) through vcc with and without snapshots. Ratios to the direct
// Cache call of the same run.
#include <cstdlib>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "engine/cache.h"
#include "guest/programs/square_image.h"
#include "tools/bench/ratio_reporter.h"
#include "tools/bench/vcc/functions.h"

namespace wasp {
namespace {

// As the vcc runtime creates its caches: shared, 1 MiB per virtine.
constexpr uint64_t kMemory = 1 << 20;

void BM_NativeSquare(benchmark::State& state) {
  int64_t x = 12;
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(native_square(x));
  }
}
BENCHMARK(BM_NativeSquare)->MinTime(0.5);

// The same work as square(): the engine's square image, one call per
// iteration through Cache::call.
void BM_CacheSquare(benchmark::State& state) {
  Cache cache(kMemory, CacheOptions{});
  if (absl::Status status = cache.load(images::square()); !status.ok()) {
    state.SkipWithError(status.ToString().c_str());
    return;
  }
  int64_t x = 12;
  auto arg =
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&x), sizeof x);
  for (auto _ : state) {
    auto result = cache.call(arg, absl::Seconds(1));
    if (!result.ok() || result->exit.reason != ExitReason::Exited) {
      state.SkipWithError("the square call failed");
      return;
    }
  }
}
BENCHMARK(BM_CacheSquare)->MinTime(1.0);

void BM_VccSquare(benchmark::State& state) {
  int64_t x = 12;
  if (square(x) != 144) state.SkipWithError("square(12) != 144");
  for (auto _ : state) {
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(square(x));
  }
}
BENCHMARK(BM_VccSquare)->MinTime(1.0);

void BM_NativeFib(benchmark::State& state) {
  int64_t n = state.range(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(native_fib(n));
  }
}
BENCHMARK(BM_NativeFib)->Arg(0)->Arg(15)->Arg(20)->Arg(25)->MinTime(0.5);

void BM_VccFib(benchmark::State& state) {
  int64_t n = state.range(0);
  if (fib(n) != native_fib(n)) state.SkipWithError("fib differs from native");
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(fib(n));
  }
}
BENCHMARK(BM_VccFib)->Arg(0)->Arg(15)->Arg(20)->Arg(25)->MinTime(0.5);

// WASP_NO_SNAPSHOT=1 for fib_fresh's virtines only: set around its first
// call, when its cache is created.
void BM_VccFibNoSnapshot(benchmark::State& state) {
  int64_t n = state.range(0);
  setenv("WASP_NO_SNAPSHOT", "1", 1);
  uint64_t first = fib_fresh(n);
  unsetenv("WASP_NO_SNAPSHOT");
  if (first != native_fib(n)) state.SkipWithError("fib differs from native");
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(fib_fresh(n));
  }
}
BENCHMARK(BM_VccFibNoSnapshot)->Arg(0)->Arg(15)->Arg(20)->Arg(25)->MinTime(0.5);

}  // namespace
}  // namespace wasp

int main(int argc, char** argv) {
  return wasp::RunBenchmarksWithRatios(
      argc, argv, "BM_CacheSquare",
      {{"vcc square() call / direct Cache call", "BM_VccSquare",
        "BM_CacheSquare", 1.15, true}});
}
