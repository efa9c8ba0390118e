// The access log's share of a request served by native app code
// (--isolation=none), where it is largest: one run of the HTTP app with and
// without log records, and the worker's Append of them.
#include <fcntl.h>

#include <cstdint>
#include <string>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "guest/abi/hypercall.h"
#include "guest/apps/http/docroot.h"
#include "net/access_log.h"
#include "net/native/apps.h"
#include "net/native/native_handler.h"

namespace wasp {
namespace {

constexpr char kRequest[] =
    "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n"
    "User-Agent: wasp-load\r\n\r\n";

void BM_HttpRun(benchmark::State& state) {
  const bool log = state.range(0) != 0;
  // The app is initialised once per process, with one configuration.
  static const auto* config = new std::shared_ptr<const std::vector<uint8_t>>(
      std::make_shared<std::vector<uint8_t>>(SampleDocroot()));
  auto pool = MakeNativeHandlerPool(HttpNativeApp(), 1, *config);
  if (!pool.ok()) return state.SkipWithError(pool.status().ToString().c_str());
  int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  AccessLog access_log(null_fd);
  absl::Span<const uint8_t> input(reinterpret_cast<const uint8_t*>(kRequest),
                                  sizeof kRequest - 1);
  for (auto _ : state) {
    RequestHandler* handler = *(*pool)->Acquire();
    auto result = handler->Run(input, log ? WASP_INPUT_LOG : 0);
    if (!result.ok() || result->output.empty()) {
      state.SkipWithError("the app did not answer");
      break;
    }
    if (log) access_log.Append("127.0.0.1", absl::Now(), result->log);
    benchmark::DoNotOptimize(result->output.data());
    (void)(*pool)->Release(handler);
  }
  access_log.Flush(absl::Now(), /*force=*/true);
  ::close(null_fd);
}
BENCHMARK(BM_HttpRun)->ArgName("log")->Arg(0)->Arg(1);

}  // namespace
}  // namespace wasp
