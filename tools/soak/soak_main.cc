// wasp-soak: wasp-server under mixed traffic for a long time, watched every
// second. Starts an HTTP server (virtines, one worker) on a docroot it
// writes and a server of the hostile test app, both found through their
// ready files; measures the HTTP server's maximum keep-alive rate; then for
// --duration runs wasp-load at --load_fraction of it in segments, beside
// connection-per-request and pipelined wasp-load children and its own
// clients (slow readers, resets, oversized heads, FAULT/LOOP/echo to the
// hostile app). Writes soak.csv, segments.csv, soak.md and soak.png/.svg
// (with gnuplot) to --out. Exit: 0 pass, 1 fail, 2 setup error.
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tools/common/child_process.h"
#include "tools/common/flag_names.h"
#include "tools/common/wasp_server_process.h"
#include "tools/soak/client_traffic.h"
#include "tools/soak/criteria.h"
#include "tools/soak/load_segments.h"
#include "tools/soak/report.h"
#include "tools/soak/sampler.h"

ABSL_FLAG(absl::Duration, duration, absl::Minutes(10), "mixed traffic for");
ABSL_FLAG(std::string, out, "", "directory for the results (required)");
ABSL_FLAG(std::string, wasp_server, "tools/server/wasp-server",
          "the wasp-server binary");
ABSL_FLAG(std::string, wasp_load, "tools/load/wasp-load",
          "the wasp-load binary");
ABSL_FLAG(std::string, hostile_app, "tests/apps/hostile.elf",
          "the hostile test app's image (//tests/apps:hostile.elf; relative "
          "to bazel-bin by default)");
ABSL_FLAG(std::string, gnuplot, "",
          "gnuplot, for soak.png and soak.svg (default: from PATH; none: no "
          "plot)");
ABSL_FLAG(int, server_cpu, 0, "CPU of the HTTP server's one worker");
ABSL_FLAG(int, hostile_cpu, 1, "CPU of the hostile server's one worker");
ABSL_FLAG(int, load_cpu, 1, "CPU of wasp-load and the soak's clients");
ABSL_FLAG(int, pool, 64, "virtines of the HTTP server's worker");
ABSL_FLAG(int, connections, 32,
          "keep-alive connections, for the maximum and the soak");
ABSL_FLAG(absl::Duration, probe, absl::Seconds(5),
          "how long the maximum keep-alive rate is measured");
ABSL_FLAG(double, load_fraction, 0.8,
          "the keep-alive load, as a fraction of the maximum");
ABSL_FLAG(absl::Duration, segment, absl::Seconds(30),
          "longest wasp-load segment (also at most --duration/10)");
ABSL_FLAG(double, close_rate, 100,
          "requests/s with a connection each (--keepalive=false)");
ABSL_FLAG(double, pipeline_rate, 400, "requests/s pipelined 4 deep");
ABSL_FLAG(int, slow_readers, 2, "clients reading the large file slowly");
ABSL_FLAG(int, large_kib, 1024, "size of the large file, KiB");
ABSL_FLAG(absl::Duration, slow_read_pause, absl::Milliseconds(20),
          "a slow reader's pause between receives of 4 KiB");
ABSL_FLAG(double, reset_rate, 10,
          "connections/s that send half a request and reset");
ABSL_FLAG(double, oversized_rate, 5, "requests/s with oversized headers");
ABSL_FLAG(double, hostile_bad_rate, 1,
          "FAULT and LOOP connections/s to the hostile app, in turn");
ABSL_FLAG(absl::Duration, p99_floor, absl::Milliseconds(1),
          "p99 drift criterion: a rise of the late segments' p99 this small "
          "is noise, whatever the factor");
ABSL_FLAG(double, hostile_echo_rate, 10,
          "normal connections/s to the hostile app");

namespace wasp::soak {
namespace {

constexpr int kSetupError = 2;

struct Servers {
  WaspServerProcess http;
  WaspServerProcess hostile;
};

int SetupError(const absl::Status& status) {
  absl::FPrintF(stderr, "wasp-soak: setup: %s\n", status.ToString());
  return kSetupError;
}

absl::Status WriteDocroot(const std::string& dir) {
  ::mkdir(dir.c_str(), 0755);
  const std::pair<const char*, std::string> files[] = {
      {"/hello.txt", "hello, soak\n"},
      {"/index.html", absl::StrCat("<!doctype html><title>soak</title><pre>",
                                   std::string(1000, '.'), "</pre>\n")},
      {"/large.bin",
       LargeFileBody(static_cast<size_t>(absl::GetFlag(FLAGS_large_kib))
                     << 10)},
  };
  for (const auto& [path, body] : files) {
    std::ofstream file(dir + path);
    if (!(file << body)) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot write ", dir, path));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Servers> StartServers(const std::string& out) {
  int cpu = absl::GetFlag(FLAGS_server_cpu);
  absl::StatusOr<WaspServerProcess> http =
      StartWaspServer({absl::GetFlag(FLAGS_wasp_server), "--app=http",
                       "--isolation=virtine", "--port=0", "--admin_port=0",
                       "--workers=1", absl::StrCat("--cpus=", cpu),
                       absl::StrCat("--pool=", absl::GetFlag(FLAGS_pool)),
                       absl::StrCat("--docroot=", out, "/docroot")},
                      out + "/http.ready", out + "/http.log", cpu);
  if (!http.ok()) return http.status();
  int hostile_cpu = absl::GetFlag(FLAGS_hostile_cpu);
  absl::StatusOr<WaspServerProcess> hostile = StartWaspServer(
      {absl::GetFlag(FLAGS_wasp_server),
       absl::StrCat("--app=", absl::GetFlag(FLAGS_hostile_app)), "--port=0",
       "--admin_port=0", "--workers=1", "--pool=8",
       absl::StrCat("--cpus=", hostile_cpu)},
      out + "/hostile.ready", out + "/hostile.log", hostile_cpu);
  if (!hostile.ok()) return hostile.status();
  return Servers{*std::move(http), *std::move(hostile)};
}

std::string Url(int port, const char* path) {
  return absl::StrCat("http://127.0.0.1:", port, path);
}

std::vector<LoadKind> LoadKinds(int port, double keepalive_rate) {
  return {
      {.kind = TrafficKind::kKeepAlive,
       .url = Url(port, "/index.html"),
       .rate = keepalive_rate,
       .flags = {absl::StrCat("--connections=",
                              absl::GetFlag(FLAGS_connections))}},
      {.kind = TrafficKind::kClose,
       .url = Url(port, "/hello.txt"),
       .rate = absl::GetFlag(FLAGS_close_rate),
       .flags = {"--connections=4", "--keepalive=false"}},
      {.kind = TrafficKind::kPipelined,
       .url = Url(port, "/hello.txt"),
       .rate = absl::GetFlag(FLAGS_pipeline_rate),
       .flags = {"--connections=2", "--pipeline=4"}},
  };
}

ClientPlan Clients(int http_port, int hostile_port) {
  return {
      .http_port = http_port,
      .hostile_port = hostile_port,
      .slow_read = {.path = "/large.bin",
                    .size = static_cast<size_t>(absl::GetFlag(FLAGS_large_kib))
                            << 10,
                    .pause = absl::GetFlag(FLAGS_slow_read_pause)},
      .slow_readers = absl::GetFlag(FLAGS_slow_readers),
      .reset_per_s = absl::GetFlag(FLAGS_reset_rate),
      .oversized_per_s = absl::GetFlag(FLAGS_oversized_rate),
      .hostile_bad_per_s = absl::GetFlag(FLAGS_hostile_bad_rate),
      .hostile_echo_per_s = absl::GetFlag(FLAGS_hostile_echo_rate),
  };
}

std::array<std::string, kTrafficKinds> Descriptions(double keepalive_rate) {
  ClientPlan plan = Clients(0, 0);
  return {
      absl::StrFormat("wasp-load, %d connections, open loop, %.0f/s, GET "
                      "/index.html (1 KiB)",
                      absl::GetFlag(FLAGS_connections), keepalive_rate),
      absl::StrFormat("wasp-load --keepalive=false, 4 connections, %.0f/s",
                      absl::GetFlag(FLAGS_close_rate)),
      absl::StrFormat("wasp-load --pipeline=4, 2 connections, %.0f/s",
                      absl::GetFlag(FLAGS_pipeline_rate)),
      absl::StrFormat("%d clients reading /large.bin (%d KiB) 4 KiB per %s, "
                      "SO_RCVBUF 4 KiB, every byte checked",
                      plan.slow_readers, absl::GetFlag(FLAGS_large_kib),
                      absl::FormatDuration(plan.slow_read.pause)),
      absl::StrFormat("half a request head, then an RST, %.1f/s",
                      plan.reset_per_s),
      absl::StrFormat("a 17 KiB header: 431 and a close expected, %.1f/s",
                      plan.oversized_per_s),
      absl::StrFormat("FAULT: a close expected, %.2f/s",
                      plan.hostile_bad_per_s / 2),
      absl::StrFormat("LOOP: a close after the CPU budget expected, %.2f/s",
                      plan.hostile_bad_per_s / 2),
      absl::StrFormat("a line the hostile app echoes, %.1f/s",
                      plan.hostile_echo_per_s),
  };
}

absl::Duration SegmentLength(absl::Duration duration) {
  return std::max(absl::Seconds(1),
                  std::min(absl::GetFlag(FLAGS_segment), duration / 10));
}

// Consecutive segments of every wasp-load kind until `duration` has passed.
void RunSegments(LoadRunner& runner, const std::vector<LoadKind>& kinds,
                 absl::Duration duration, TrafficCounters& counters,
                 std::vector<SegmentResult>& segments) {
  const absl::Time start = absl::Now();
  const absl::Duration segment = SegmentLength(duration);
  for (int index = 0;; ++index) {
    absl::Duration remaining = duration - (absl::Now() - start);
    if (remaining < absl::Seconds(1)) return;
    double start_s = absl::ToDoubleSeconds(absl::Now() - start);
    for (const SegmentResult& result : runner.RunSegment(
             index, start_s, std::min(segment, remaining), kinds)) {
      CountSegment(result, counters);
      segments.push_back(result);
      if (result.kind == TrafficKind::kKeepAlive) {
        absl::FPrintF(stderr,
                      "wasp-soak: segment %d at %.0f s: %.0f requests/s, p99 "
                      "%.0f us, %d errors%s\n",
                      index, start_s, result.rps, result.p99_us,
                      result.errors + result.connection_errors,
                      result.failure.empty() ? "" : " (wasp-load failed)");
      }
    }
  }
}

// The mixed traffic, sampled every second, then the final state.
absl::StatusOr<SoakRecord> Soak(const Servers& servers, LoadRunner& runner,
                                double keepalive_rate, const std::string& out,
                                TrafficCounters& counters) {
  SoakRecord record;
  absl::StatusOr<std::unique_ptr<Sampler>> sampler = Sampler::Start(
      {servers.http.process->pid(), servers.http.admin_port},
      {servers.hostile.process->pid(), servers.hostile.admin_port}, &counters,
      out + "/soak.csv");
  if (!sampler.ok()) return sampler.status();
  {
    ClientTraffic clients(Clients(servers.http.port, servers.hostile.port),
                          &counters);
    RunSegments(runner, LoadKinds(servers.http.port, keepalive_rate),
                absl::GetFlag(FLAGS_duration), counters, record.segments);
    record.samples = (*sampler)->Stop();
  }
  record.end = (*sampler)->Take();
  Exchange last = HostileEcho(servers.hostile.port, "still here\n");
  record.hostile_answers_at_end = last.outcome == Outcome::kOk;
  record.hostile_check =
      record.hostile_answers_at_end
          ? "a final echo came back after the soak"
          : absl::StrCat("the final echo failed: ", last.detail);
  return record;
}

std::string FindGnuplot() {
  std::string flag = absl::GetFlag(FLAGS_gnuplot);
  if (!flag.empty()) return flag == "none" ? "" : flag;
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "", ':')) {
    std::string candidate = absl::StrCat(dir, "/gnuplot");
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

void Plot(const std::string& out) {
  std::string gnuplot = FindGnuplot();
  if (gnuplot.empty()) {
    absl::FPrintF(stderr, "wasp-soak: no gnuplot, so no soak.png\n");
    return;
  }
  std::ofstream(out + "/soak.gp") << GnuplotScript(out);
  absl::StatusOr<std::unique_ptr<ChildProcess>> plot = ChildProcess::Start(
      {gnuplot, out + "/soak.gp"}, "/dev/null", out + "/gnuplot.log");
  absl::StatusOr<int> status =
      plot.ok() ? (*plot)->Wait(absl::Seconds(60)) : plot.status();
  if (!status.ok() || *status != 0) {
    absl::FPrintF(stderr, "wasp-soak: gnuplot failed (%s/gnuplot.log)\n", out);
  }
}

int Report(const RunInfo& info, const SoakRecord& record,
           const std::string& out) {
  std::vector<Verdict> verdicts = Evaluate(
      record, absl::ToDoubleMicroseconds(absl::GetFlag(FLAGS_p99_floor)));
  std::ofstream(out + "/segments.csv") << SegmentsCsv(record.segments);
  std::ofstream(out + "/soak.md") << Markdown(info, record, verdicts);
  Plot(out);
  for (const Verdict& v : verdicts) {
    if (!v.passed) {
      absl::FPrintF(stderr, "wasp-soak: FAIL: %s: %s\n", v.criterion, v.detail);
    }
  }
  bool passed = AllPassed(verdicts);
  if (passed) {
    absl::FPrintF(stderr, "wasp-soak: PASS: %d criteria met (%s/soak.md)\n",
                  verdicts.size(), out);
  }
  return passed ? 0 : 1;
}

// What soak.md says of the set-up; the measured parts come later.
RunInfo Configuration(std::string command) {
  return {.command = std::move(command),
          .started = absl::Now(),
          .server_cpu = absl::GetFlag(FLAGS_server_cpu),
          .hostile_cpu = absl::GetFlag(FLAGS_hostile_cpu),
          .load_cpu = absl::GetFlag(FLAGS_load_cpu),
          .pool = absl::GetFlag(FLAGS_pool),
          .connections = absl::GetFlag(FLAGS_connections),
          .probe = absl::GetFlag(FLAGS_probe),
          .load_fraction = absl::GetFlag(FLAGS_load_fraction),
          .segment = SegmentLength(absl::GetFlag(FLAGS_duration))};
}

void PinTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "wasp-server under mixed traffic, watched every second.\n"
      "  wasp-soak --out=DIR [--duration=10m] ...");
  ListToolFlagsInHelp();
  UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  RunInfo info = Configuration(absl::StrJoin(argv, argv + argc, " "));
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    return SetupError(absl::InvalidArgumentError("--out DIR is required"));
  }
  ::mkdir(out.c_str(), 0755);
  PinTo(absl::GetFlag(FLAGS_load_cpu));
  if (absl::Status written = WriteDocroot(out + "/docroot"); !written.ok()) {
    return SetupError(written);
  }
  absl::StatusOr<Servers> servers = StartServers(out);
  if (!servers.ok()) return SetupError(servers.status());
  LoadRunner runner(absl::GetFlag(FLAGS_wasp_load),
                    absl::GetFlag(FLAGS_load_cpu), out);
  absl::StatusOr<double> max = runner.MaxRate(
      Url(servers->http.port, "/index.html"), absl::GetFlag(FLAGS_connections),
      absl::GetFlag(FLAGS_probe));
  if (!max.ok()) return SetupError(max.status());
  double rate = *max * absl::GetFlag(FLAGS_load_fraction);
  info.how = Descriptions(rate);
  absl::FPrintF(
      stderr, "wasp-soak: maximum %.0f requests/s; soaking at %.0f for %s\n",
      *max, rate, absl::FormatDuration(absl::GetFlag(FLAGS_duration)));
  TrafficCounters counters;
  absl::Time soak_start = absl::Now();
  absl::StatusOr<SoakRecord> record =
      Soak(*servers, runner, rate, out, counters);
  if (!record.ok()) return SetupError(record.status());
  info.ran = absl::Now() - soak_start;
  info.max_rps = *max;
  info.unexpected_details = counters.Details();
  return Report(info, *record, out);
}

}  // namespace
}  // namespace wasp::soak

int main(int argc, char** argv) { return wasp::soak::Main(argc, argv); }
