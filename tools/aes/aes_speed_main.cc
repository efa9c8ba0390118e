// aes_speed: AES-128-CBC throughput in the shape of
// `openssl speed -elapsed -evp aes-128-cbc` for ring's vpaes natively and in
// a virtine per 256-byte chunk (paper §6.4), beside the real `openssl speed`
// with AES-NI masked (so that OpenSSL runs its own vpaes), and the cost of
// one virtine call.
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "tools/aes/aes_cbc.h"
#include "tools/aes/speed_table.h"
#include "tools/common/child_process.h"
#include "tools/common/order_stats.h"

ABSL_FLAG(double, seconds, 1, "how long each size is measured, as -seconds");
ABSL_FLAG(std::string, openssl, "openssl",
          "the openssl command to compare with (found on PATH); empty: none");
ABSL_FLAG(std::string, openssl_ia32cap, "~0x200000200000000",
          "OPENSSL_ia32cap for it: the default masks AES-NI (and PCLMULQDQ) "
          "so that OpenSSL uses vpaes, as upstream's measurement did");

namespace wasp::aes {
namespace {

using Encrypt = std::function<absl::Status(Iv&, absl::Span<const uint8_t>,
                                           absl::Span<uint8_t>)>;

struct Measurement {
  uint64_t ops = 0;
  absl::Duration elapsed;
  double kbytes_per_second(size_t size) const {
    return ops * size / absl::ToDoubleSeconds(elapsed) / 1000;
  }
};

// Encrypts `size`-byte messages back to back for `duration` of wall time
// (openssl's -elapsed), the IV chained from each to the next. A timer
// thread stops it, as openssl's alarm does, so the loop reads no clock.
absl::StatusOr<Measurement> Measure(const Encrypt& encrypt, size_t size,
                                    absl::Duration duration) {
  std::vector<uint8_t> in(size, 0x5a), out(size);
  Iv iv{};
  std::atomic<bool> stop{false};
  std::thread timer([&stop, duration] {
    absl::SleepFor(duration);
    stop.store(true, std::memory_order_relaxed);
  });
  Measurement m;
  absl::Status status;
  absl::Time start = absl::Now();
  while (!stop.load(std::memory_order_relaxed) && status.ok()) {
    status = encrypt(iv, in, absl::MakeSpan(out));
    ++m.ops;
  }
  m.elapsed = absl::Now() - start;
  timer.join();
  if (!status.ok()) return status;
  return m;
}

struct Implementation {
  std::string name;
  Encrypt encrypt;
  std::vector<Measurement> by_size;
};

absl::Status MeasureAll(Implementation& impl, absl::Duration duration) {
  for (size_t size : kSpeedBlockSizes) {
    std::fprintf(stderr, "aes_speed: %s, %zu-byte messages for %s\n",
                 impl.name.c_str(), size,
                 absl::FormatDuration(duration).c_str());
    absl::StatusOr<Measurement> m = Measure(impl.encrypt, size, duration);
    if (!m.ok()) {
      return absl::Status(m.status().code(),
                          absl::StrCat(impl.name, " at ", size,
                                       " bytes: ", m.status().message()));
    }
    impl.by_size.push_back(*std::move(m));
  }
  return absl::OkStatus();
}

SpeedRow Row(const Implementation& impl) {
  SpeedRow row{impl.name, {}};
  for (size_t i = 0; i < kSpeedBlockSizes.size(); ++i) {
    row.kbytes_per_second.push_back(
        impl.by_size[i].kbytes_per_second(kSpeedBlockSizes[i]));
  }
  return row;
}

struct OpensslRun {
  std::string command;
  std::string output;  // all of it
  std::vector<double> kbytes_per_second;
};

std::string TempDirectory() {
  const char* tmp = ::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

// `openssl speed` itself, as upstream measured its virtine.
absl::StatusOr<OpensslRun> RunOpensslSpeed(absl::Duration duration) {
  std::vector<std::string> argv = {
      "/usr/bin/env",
      absl::StrCat("OPENSSL_ia32cap=", absl::GetFlag(FLAGS_openssl_ia32cap)),
      absl::GetFlag(FLAGS_openssl),
      "speed",
      "-elapsed",
      "-seconds",
      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(duration))),
      "-evp",
      "aes-128-cbc"};
  OpensslRun run;
  run.command = absl::StrJoin(argv.begin() + 1, argv.end(), " ");
  std::string dir = TempDirectory() + "/aes_speed.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("mkdtemp ", dir,
                                            " for openssl's output; set "
                                            "TMPDIR to a writable directory"));
  }
  std::string out = dir + "/out", err = dir + "/err";
  absl::Cleanup remove = [&] {
    ::unlink(out.c_str());
    ::unlink(err.c_str());
    ::rmdir(dir.c_str());
  };
  std::fprintf(stderr, "aes_speed: %s\n", run.command.c_str());
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(argv, out, err);
  if (!child.ok()) return child.status();
  absl::StatusOr<int> status = (*child)->Wait(duration * 6 + absl::Seconds(60));
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(
        absl::StrCat(run.command, " exited with ", *status, ": ", ReadFile(err),
                     " (is openssl installed? --openssl= skips it)"));
  }
  run.output = ReadFile(out);
  absl::StatusOr<std::vector<double>> row = ParseOpensslSpeed(run.output);
  if (!row.ok()) return row.status();
  run.kbytes_per_second = *std::move(row);
  return run;
}

// The virtine's throughput over native vpaes's, under the table's columns.
void PrintRatio(const std::vector<SpeedRow>& rows) {
  size_t width = 13;  // openssl's name column
  for (const SpeedRow& row : rows) width = std::max(width, row.name.size() + 1);
  std::printf("%-*s", static_cast<int>(width), "virtine / native");
  for (size_t i = 0; i < kSpeedBlockSizes.size(); ++i) {
    std::printf(" %11.4fx",
                rows[1].kbytes_per_second[i] / rows[0].kbytes_per_second[i]);
  }
  std::printf("\n");
}

// Each call's time, one call after another for `duration`, with a chunk
// of `bytes` (0: the key and IV only, what a call costs without AES).
absl::StatusOr<std::vector<uint64_t>> MeasureCalls(VirtineCbc& cbc,
                                                   const Key& key, size_t bytes,
                                                   absl::Duration duration) {
  std::vector<uint8_t> arg =
      EncodeChunk(key, Iv{}, std::vector<uint8_t>(bytes, 0x5a));
  std::vector<uint64_t> nanos;
  absl::Time end = absl::Now() + duration;
  for (absl::Time start = absl::Now(); start < end; start = absl::Now()) {
    absl::StatusOr<CallResult> result = cbc.cache().call(arg, absl::Seconds(1));
    if (!result.ok()) return result.status();
    if (result->exit.reason != ExitReason::Exited ||
        result->exit.exit_code != WASP_AES_EXIT_OK) {
      return absl::InternalError(
          absl::StrCat("an AES call of ", bytes,
                       " bytes did not succeed: ", result->exit.ToString()));
    }
    nanos.push_back(absl::ToInt64Nanoseconds(absl::Now() - start));
  }
  return nanos;
}

struct CallLatencies {
  std::vector<uint64_t> full_chunk, one_block, empty;  // ns per call
};

absl::StatusOr<CallLatencies> MeasureCallLatencies(VirtineCbc& cbc,
                                                   const Key& key,
                                                   absl::Duration duration) {
  CallLatencies latencies;
  for (auto [bytes, nanos] : {std::pair{kChunkBytes, &latencies.full_chunk},
                              std::pair{kBlockBytes, &latencies.one_block},
                              std::pair{size_t{0}, &latencies.empty}}) {
    std::fprintf(stderr, "aes_speed: %zu-byte calls one by one for %s\n", bytes,
                 absl::FormatDuration(duration).c_str());
    absl::StatusOr<std::vector<uint64_t>> measured =
        MeasureCalls(cbc, key, bytes, duration);
    if (!measured.ok()) return measured.status();
    *nanos = *std::move(measured);
  }
  return latencies;
}

void PrintLatency(const char* what, const std::vector<uint64_t>& nanos) {
  std::printf("%s: median %.2f us, p90 %.2f us, p99 %.2f us (%zu calls)\n",
              what, Median(nanos) / 1000, Percentile(nanos, 0.9) / 1000,
              Percentile(nanos, 0.99) / 1000, nanos.size());
}

void PrintCallCost(const Implementation& native, const Implementation& virtine,
                   const CallLatencies& latencies) {
  std::printf(
      "\nPer virtine call (one call per %zu-byte chunk; overhead = the "
      "virtine's time per message minus native vpaes's, per call):\n",
      kChunkBytes);
  std::printf("%8s %10s %12s %14s\n", "bytes", "calls/msg", "us/call",
              "overhead us");
  for (size_t i = 0; i < kSpeedBlockSizes.size(); ++i) {
    size_t size = kSpeedBlockSizes[i];
    size_t calls = (size + kChunkBytes - 1) / kChunkBytes;
    const Measurement& v = virtine.by_size[i];
    const Measurement& n = native.by_size[i];
    double virtine_us = absl::ToDoubleMicroseconds(v.elapsed) / v.ops;
    double native_us = absl::ToDoubleMicroseconds(n.elapsed) / n.ops;
    std::printf("%8zu %10zu %12.2f %14.2f\n", size, calls, virtine_us / calls,
                (virtine_us - native_us) / calls);
  }
  PrintLatency("256-byte calls one by one", latencies.full_chunk);
  PrintLatency("16-byte calls one by one", latencies.one_block);
  PrintLatency("calls without data (key and IV only)", latencies.empty);
}

struct Report {
  absl::Duration duration;
  Implementation native{"vpaes native", nullptr, {}};
  Implementation virtine{"vpaes virtine", nullptr, {}};
  CallLatencies latencies;
  std::optional<OpensslRun> openssl;
};

absl::StatusOr<Report> MeasureEverything(absl::Duration duration) {
  std::string_view key_bytes = "wasp aes speed!!";
  absl::StatusOr<Key> key = ExpandKey(
      {reinterpret_cast<const uint8_t*>(key_bytes.data()), key_bytes.size()});
  if (!key.ok()) return key.status();
  Report report{.duration = duration};
  report.native.encrypt = [&](Iv& iv, auto in, auto out) {
    return EncryptCbcNative(*key, iv, in, out);
  };
  // Before any VM exists: on PVM, a thread that has run a vCPU ran native
  // code 1.6-5x slower afterwards on a quiet machine (docs/performance.md).
  RETURN_IF_ERROR(MeasureAll(report.native, duration));
  absl::StatusOr<std::unique_ptr<VirtineCbc>> cbc = VirtineCbc::Create();
  if (!cbc.ok()) return cbc.status();
  report.virtine.encrypt = [&](Iv& iv, auto in, auto out) {
    return (*cbc)->Encrypt(*key, iv, in, out);
  };
  RETURN_IF_ERROR(MeasureAll(report.virtine, duration));
  ASSIGN_OR_RETURN(report.latencies,
                   MeasureCallLatencies(**cbc, *key, duration));
  if (!absl::GetFlag(FLAGS_openssl).empty()) {
    ASSIGN_OR_RETURN(report.openssl, RunOpensslSpeed(duration));
  }
  // The lambdas refer to this function's key and virtines.
  report.native.encrypt = report.virtine.encrypt = nullptr;
  return report;
}

void PrintReport(const Report& report) {
  std::vector<SpeedRow> rows = {Row(report.native), Row(report.virtine)};
  if (report.openssl) {
    rows.push_back(
        {"openssl (AES-NI masked)", report.openssl->kbytes_per_second});
  }
  std::printf(
      "AES-128-CBC, %s per size, wall time (as -elapsed), %s\n",
      absl::FormatDuration(report.duration).c_str(),
      absl::FormatTime("%Y-%m-%dT%H:%MZ", absl::Now(), absl::UTCTimeZone())
          .c_str());
  std::printf(
      "vpaes: ring 0.16.20's vpaes-x86_64 (SSSE3), CBC chained in C; "
      "the virtine: one call per %zu-byte chunk.\n",
      kChunkBytes);
  if (report.openssl) {
    std::printf("openssl: %s\n", report.openssl->command.c_str());
  }
  std::printf("The 'numbers' are in 1000s of bytes per second processed.\n%s",
              FormatSpeedTable(rows).c_str());
  PrintRatio(rows);
  PrintCallCost(report.native, report.virtine, report.latencies);
  if (report.openssl) {
    std::printf("\n`%s` said:\n%s", report.openssl->command.c_str(),
                report.openssl->output.c_str());
  }
}

int Run() {
  absl::StatusOr<Report> report =
      MeasureEverything(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  if (!report.ok()) {
    std::fprintf(stderr, "aes_speed: %s\n", report.status().ToString().c_str());
    return 1;
  }
  PrintReport(*report);
  return 0;
}

}  // namespace
}  // namespace wasp::aes

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "AES-128-CBC throughput as `openssl speed -evp aes-128-cbc` prints it: "
      "ring's vpaes natively, in a virtine per 256-byte chunk, and openssl "
      "speed with AES-NI masked.");
  absl::ParseCommandLine(argc, argv);
  return wasp::aes::Run();
}
