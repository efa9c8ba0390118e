// The upstream paper's Fig. 14: a JavaScript function (guest/js/test.js,
// base64 of "Hello There" handed to the host) run per invocation by Duktape,
// natively and in a virtine four ways. Trials of the five variants are
// interleaved, so that drift of this shared machine hits each alike; each
// median is also given as a ratio to native's from the same run.
//
//   paper_js [--trials=300] [--warmup=10] [--script=guest/js/test.js]
//            [--out=DIR]
//
// native       the same engine code compiled for the host: create the heap,
//              evaluate, destroy the heap (a process's work, without exec)
// virtine      a virtine from boot per call (no snapshot): the heap is
//              created, the script evaluated, the heap destroyed; the
//              virtine is reset to boot afterwards (time included)
// virtine NT   the same without destroying the heap ("no teardown")
// snapshot     from the snapshot taken after the heap was created: evaluate,
//              destroy the heap; reset to the snapshot (time included)
// snapshot NT  the same without destroying the heap
#include <time.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/cache.h"
#include "engine/clock.h"
#include "engine/console.h"
#include "guest/js/js_call.h"
#include "guest/js/js_engine.h"
#include "guest/js/js_image.h"
#include "tools/artifacts/data_files.h"
#include "tools/common/flag_names.h"
#include "tools/common/order_stats.h"

ABSL_FLAG(int, trials, 300, "measured invocations per variant");
ABSL_FLAG(int, warmup, 10, "invocations per variant first, not measured");
ABSL_FLAG(std::string, script, "guest/js/test.js", "the script to run");
ABSL_FLAG(std::string, out, "", "also write fig14*.csv into this directory");

namespace wasp::artifacts {
namespace {

constexpr char kUsage[] =
    "the upstream paper's Fig. 14, JavaScript per invocation: paper_js "
    "[--trials=N] [--warmup=N] [--script=FILE] [--out=DIR]";

constexpr uint64_t kMemory = 16 << 20;
constexpr absl::Duration kBudget = absl::Seconds(10);
constexpr char kExpected[] = "SGVsbG8gVGhlcmU=";

// The upstream paper's medians (us), AMD EPYC 7281, bare metal.
struct Upstream {
  const char* name;
  double us;
};
constexpr Upstream kUpstream[] = {{"native", 418},
                                  {"virtine", 547},
                                  {"virtine NT", 426},
                                  {"snapshot", 231},
                                  {"snapshot NT", 133}};

uint64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

// One way to run the script once; returns its result or why it failed.
class Variant {
 public:
  virtual ~Variant() = default;
  virtual absl::StatusOr<std::string> Invoke(const std::string& script) = 0;
};

class Native final : public Variant {
 public:
  absl::StatusOr<std::string> Invoke(const std::string& script) override {
    duk_context* ctx = js_create();
    if (ctx == nullptr) return absl::ResourceExhaustedError("no Duktape heap");
    char out[WASP_CALL_RESULT_MAX];
    size_t length = 0;
    int threw =
        js_eval(ctx, script.data(), script.size(), out, sizeof out, &length);
    js_destroy(ctx);
    if (threw) return absl::InternalError("the script threw");
    return std::string(out, std::min(length, sizeof out));
  }
};

class InVirtine final : public Variant {
 public:
  static absl::StatusOr<std::unique_ptr<InVirtine>> Create(
      const HypercallTable* table, bool snapshot, bool teardown) {
    CacheOptions options{
        .virtine = {.snapshots = snapshot, .hypercalls = table},
        .max_virtines = 1};
    auto variant = std::unique_ptr<InVirtine>(new InVirtine(options));
    variant->flags_ = teardown ? JS_CALL_TEARDOWN : 0;
    if (absl::Status status = variant->cache_.load(images::js()); !status.ok())
      return status;
    if (snapshot &&
        variant->cache_.load_stop().hypercall.number != WASP_HC_SNAPSHOT) {
      return absl::InternalError(
          absl::StrCat("the JS virtine stopped before its snapshot: ",
                       variant->cache_.load_stop().ToString()));
    }
    return variant;
  }

  absl::StatusOr<std::string> Invoke(const std::string& script) override {
    std::vector<uint8_t> arg = {flags_};
    arg.insert(arg.end(), script.begin(), script.end());
    absl::StatusOr<CallResult> result = cache_.call(arg, kBudget);
    if (!result.ok()) return result.status();
    if (result->exit.reason != ExitReason::Exited ||
        result->exit.exit_code != 0) {
      return absl::InternalError(
          absl::StrCat("the virtine stopped: ", result->exit.ToString()));
    }
    return std::string(result->result.begin(), result->result.end());
  }

 private:
  explicit InVirtine(CacheOptions options) : cache_(kMemory, options) {}

  Cache cache_;
  uint8_t flags_ = 0;
};

struct Series {
  std::string name;
  std::unique_ptr<Variant> variant;
  std::vector<uint64_t> ns;
};

absl::StatusOr<std::vector<Series>> MakeVariants(const HypercallTable* table) {
  std::vector<Series> all;
  all.push_back({"native", std::make_unique<Native>(), {}});
  struct Kind {
    const char* name;
    bool snapshot;
    bool teardown;
  };
  for (Kind kind :
       {Kind{"virtine", false, true}, Kind{"virtine NT", false, false},
        Kind{"snapshot", true, true}, Kind{"snapshot NT", true, false}}) {
    auto variant = InVirtine::Create(table, kind.snapshot, kind.teardown);
    if (!variant.ok()) return variant.status();
    all.push_back({kind.name, *std::move(variant), {}});
  }
  return all;
}

// Runs every variant `warmup + trials` times, interleaved, checking each
// result; keeps the times of the last `trials` rounds.
absl::Status Measure(const std::string& script, int warmup, int trials,
                     std::vector<Series>& all) {
  for (int round = 0; round < warmup + trials; ++round) {
    for (Series& series : all) {
      uint64_t start = NowNs();
      absl::StatusOr<std::string> value = series.variant->Invoke(script);
      uint64_t elapsed = NowNs() - start;
      if (!value.ok()) {
        return absl::Status(
            value.status().code(),
            absl::StrCat(series.name, ": ", value.status().message()));
      }
      if (*value != kExpected) {
        return absl::InternalError(absl::StrFormat(
            "%s returned \"%s\", not \"%s\"", series.name, *value, kExpected));
      }
      if (round >= warmup) series.ns.push_back(elapsed);
    }
  }
  return absl::OkStatus();
}

double UpstreamMicros(const std::string& name) {
  for (const Upstream& u : kUpstream) {
    if (name == u.name) return u.us;
  }
  return 0;
}

// "variant,trials,median_us,p10_us,p90_us,ratio_to_native,upstream_us,
// upstream_ratio" rows.
std::string SummaryCsv(const std::vector<Series>& all) {
  const double native = Median(all[0].ns);
  std::string csv =
      "variant,trials,median_us,p10_us,p90_us,ratio_to_native,upstream_us,"
      "upstream_ratio\n";
  for (const Series& s : all) {
    csv += absl::StrFormat(
        "%s,%d,%.1f,%.1f,%.1f,%.3f,%.0f,%.3f\n", s.name, s.ns.size(),
        Median(s.ns) / 1e3, Percentile(s.ns, 0.1) / 1e3,
        Percentile(s.ns, 0.9) / 1e3, Median(s.ns) / native,
        UpstreamMicros(s.name), UpstreamMicros(s.name) / kUpstream[0].us);
  }
  return csv;
}

void PrintTable(const std::vector<Series>& all) {
  const double native = Median(all[0].ns);
  std::printf("%-12s %7s %10s %10s %10s %8s | %11s %8s\n", "variant", "trials",
              "median us", "p10 us", "p90 us", "ratio", "upstream us", "ratio");
  for (const Series& s : all) {
    std::printf("%-12s %7zu %10.1f %10.1f %10.1f %7.2fx | %11.0f %7.2fx\n",
                s.name.c_str(), s.ns.size(), Median(s.ns) / 1e3,
                Percentile(s.ns, 0.1) / 1e3, Percentile(s.ns, 0.9) / 1e3,
                Median(s.ns) / native, UpstreamMicros(s.name),
                UpstreamMicros(s.name) / kUpstream[0].us);
  }
  const double snapshot = Median(all[3].ns) / native;
  std::printf("target: snapshot <= 0.60x native: %.2fx, %s\n", snapshot,
              snapshot <= 0.6 ? "met" : "NOT met");
}

std::string TrialsCsv(const std::vector<Series>& all) {
  std::string csv = "variant,trial,us\n";
  for (const Series& s : all) {
    for (size_t i = 0; i < s.ns.size(); ++i) {
      absl::StrAppendFormat(&csv, "%s,%d,%.3f\n", s.name, i, s.ns[i] / 1e3);
    }
  }
  return csv;
}

absl::StatusOr<std::string> ReadScript(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the script ", path,
                     "; run from the repository's root or pass --script=FILE"));
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

int Main(int argc, char** argv) {
  if (!ParseFlagsOnly(argc, argv, kUsage, "tools/artifacts/")) return 2;
  const int trials = absl::GetFlag(FLAGS_trials);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  if (trials < 1 || warmup < 0) {
    std::fprintf(stderr, "paper_js: --trials must be >= 1, --warmup >= 0\n");
    return 2;
  }
  absl::StatusOr<std::string> script = ReadScript(absl::GetFlag(FLAGS_script));
  if (!script.ok()) {
    std::fprintf(stderr, "paper_js: %s\n", script.status().ToString().c_str());
    return 2;
  }
  HypercallTable table;
  if (!table.Register(WASP_HC_WRITE, ConsoleWriteHandler(2)).ok() ||
      !table.Register(WASP_HC_HOST_GETTIMEOFDAY, TimeOfDayHandler()).ok()) {
    return 1;
  }
  absl::StatusOr<std::vector<Series>> all = MakeVariants(&table);
  absl::Status status =
      all.ok() ? Measure(*script, warmup, trials, *all) : all.status();
  if (!status.ok()) {
    std::fprintf(stderr, "paper_js: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("Fig. 14: %s per invocation, %d trials per variant after %d\n",
              absl::GetFlag(FLAGS_script).c_str(), trials, warmup);
  PrintTable(*all);
  return WriteDataFiles(absl::GetFlag(FLAGS_out),
                        {{"fig14.csv", SummaryCsv(*all)},
                         {"fig14_trials.csv", TrialsCsv(*all)}})
             ? 0
             : 1;
}

}  // namespace
}  // namespace wasp::artifacts

int main(int argc, char** argv) { return wasp::artifacts::Main(argc, argv); }
