#include "tools/bench/suite/load_driver.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "tools/common/child_process.h"
#include "tools/common/json_number.h"

namespace wasp::bench {
namespace {

std::optional<double> Present(double value) {
  if (value < 0) return std::nullopt;
  return value;
}

// "1.23ms" -> 1230 (microseconds); empty if it has no known unit.
std::optional<double> WrkMicros(absl::string_view text) {
  struct Unit {
    const char* suffix;
    double micros;
  };
  // Longest suffixes first: "ms" and "us" end in "s".
  for (const Unit& unit : {Unit{"us", 1}, Unit{"ms", 1e3}, Unit{"s", 1e6},
                           Unit{"m", 60e6}, Unit{"h", 3600e6}}) {
    absl::string_view number = text;
    if (!absl::ConsumeSuffix(&number, unit.suffix)) continue;
    double value;
    if (absl::SimpleAtod(number, &value)) return value * unit.micros;
  }
  return std::nullopt;
}

double Number(absl::string_view text) {
  double value = 0;
  (void)absl::SimpleAtod(absl::StripSuffix(text, ","), &value);
  return value;
}

std::vector<absl::string_view> Words(absl::string_view line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

}  // namespace

absl::StatusOr<std::vector<std::string>> LoadArgv(const LoadSpec& spec,
                                                  const LoadPaths& paths) {
  int threads = std::min(spec.threads, spec.connections);
  if (spec.tool == "wasp-load") {
    std::vector<std::string> argv = {
        paths.wasp_load,
        "--json",
        absl::StrCat("--connections=", spec.connections),
        absl::StrCat("--threads=", threads),
        absl::StrCat("--cpus=", spec.cpus),
        absl::StrCat("--duration=", spec.duration_s, "s")};
    if (!spec.keepalive) argv.push_back("--keepalive=false");
    if (spec.payload_bytes > 0) {
      argv.push_back(absl::StrCat("--payload=", spec.payload_bytes));
    }
    argv.push_back(spec.url);
    return argv;
  }
  if (spec.tool != "wrk") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown load tool '", spec.tool,
                     "': the suite drives wasp-load or wrk"));
  }
  if (!absl::StartsWith(spec.url, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("wrk drives only http:// targets, not ", spec.url,
                     "; use --load_tool=wasp-load for echo"));
  }
  std::vector<std::string> argv = {"/usr/bin/taskset",
                                   "-c",
                                   spec.cpus,
                                   paths.wrk,
                                   absl::StrCat("-t", threads),
                                   absl::StrCat("-c", spec.connections),
                                   absl::StrCat("-d", spec.duration_s, "s"),
                                   "--latency",
                                   "--timeout",
                                   "10s"};
  if (!spec.keepalive) argv.insert(argv.end(), {"-s", paths.wrk_close_script});
  argv.push_back(spec.url);
  return argv;
}

LoadResult ParseWrk(const std::string& text) {
  LoadResult result;
  double requests = 0;
  double errors = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> words = Words(line);
    if (words.empty()) continue;
    if (words[0] == "Requests/sec:" && words.size() > 1) {
      result.requests_per_sec = Number(words[1]);
    } else if (words[0] == "50%" && words.size() > 1) {
      result.p50_us = WrkMicros(words[1]);
    } else if (words[0] == "99%" && words.size() > 1) {
      result.p99_us = WrkMicros(words[1]);
    } else if (absl::StrContains(line, " requests in ")) {
      requests = Number(words[0]);
    } else if (words[0] == "Socket" && words.size() >= 10) {
      // "Socket errors: connect 0, read 1, write 0, timeout 2"
      errors += Number(words[3]) + Number(words[5]) + Number(words[7]) +
                Number(words[9]);
    } else if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(line),
                                "Non-2xx or 3xx responses:")) {
      errors += Number(words.back());
    }
  }
  if (requests <= 0) {
    result.p50_us.reset();
    result.p99_us.reset();
  }
  result.errors = errors;
  return result;
}

LoadResult ParseWaspLoadJson(const std::string& json) {
  return LoadResult{
      .requests_per_sec = Present(JsonNumber(json, "requests_per_sec")),
      .p50_us = Present(JsonNumber(json, "p50", "latency_us")),
      .p99_us = Present(JsonNumber(json, "p99", "latency_us")),
      .errors = Present(JsonNumber(json, "total", "errors"))};
}

absl::StatusOr<LoadResult> RunLoad(const LoadSpec& spec, const LoadPaths& paths,
                                   const std::string& log_base) {
  absl::StatusOr<std::vector<std::string>> argv = LoadArgv(spec, paths);
  if (!argv.ok()) return argv.status();
  std::string out = absl::StrCat(log_base, ".txt");
  std::string err = absl::StrCat(log_base, ".err");
  absl::StatusOr<std::unique_ptr<ChildProcess>> load =
      ChildProcess::Start(*argv, out, err);
  if (!load.ok()) return load.status();
  absl::StatusOr<int> status =
      (*load)->Wait(absl::Seconds(spec.duration_s + 30));
  std::string text = ReadFile(out);
  std::ofstream(absl::StrCat(log_base, ".cmd"))
      << absl::StrJoin(*argv, " ") << "\n";
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InternalError(
        absl::StrCat(spec.tool, " exited with status ", *status, ": ",
                     absl::StripTrailingAsciiWhitespace(ReadFile(err)),
                     " (command in ", log_base, ".cmd)"));
  }
  return spec.tool == "wasp-load" ? ParseWaspLoadJson(text) : ParseWrk(text);
}

}  // namespace wasp::bench
