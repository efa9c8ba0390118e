#include "tools/bench/suite/readme.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace wasp::bench {
namespace {

constexpr char kPinning[] = R"(## How each run was pinned

| runs | server | load generator |
| --- | --- | --- |
| HTTP (1), echo (2), scaling with 1 worker (3), load tool check (5) | CPU 0: `--workers=1 --cpus=0` (nginx: `taskset -c 0`, `worker_processes 1`) | CPU 1: `--cpus=1` (wrk: `taskset -c 1`), 1 thread |
| scaling with 2 workers (3) | CPUs 0 and 1: `--workers=2 --cpus=0,1` (nginx: `taskset -c 0,1`, `worker_processes 2`) | **shares CPUs 0 and 1 with the server**: `--cpus=0,1`, 2 threads |
| engine micro-benchmarks (4) | CPU 0 | - |
)";

constexpr char kConfigurations[] = R"(## Configurations

| name | what serves each connection |
| --- | --- |
| virtine | `wasp-server --isolation=virtine`: a virtine restored from the app's snapshot, reset after the connection |
| virtine-nosnap | `WASP_NO_SNAPSHOT=1 wasp-server --isolation=virtine`: the virtine boots the app image from scratch for every connection (upstream's no-snapshot mode; the KVM VM itself is reused) |
| virtine-fresh | `wasp-server --isolation=virtine --fresh-vm`: a new KVM VM for every connection, booted from the image and destroyed after it |
| none | `wasp-server --isolation=none`: the same app code natively, a coroutine in the worker; the baseline of "x none" |
| process | `wasp-server --isolation=process`: a process forked per connection |
| nginx | Debian's nginx, `worker_processes` = workers, `sendfile on`, `access_log off`, `keepalive_requests 1000000`, `open_file_cache` (config in `raw/`) |
)";

constexpr char kCeiling[] =
    R"(**Exit-bound ceiling** = cores / (t + e): t = 1 / (none's requests/s per
core) in the same row group, e = the exit round trip above. It is what a
virtine could reach if one request cost one exit on top of the native work;
"% of ceiling" is the virtine's share of it. Requests that need more exits
(exits/req: the server's `wasp_vm_exits_total` over the run divided by
the responses the load tool received; a body over 64 KiB is sent with one
more exit, a new connection costs more) stay further below it. In the
2-worker rows the load generator shares the server's CPUs, so none's rate
per core understates native speed and the ceiling can be exceeded.
)";

std::string HttpSections(const std::vector<Record>& http) {
  std::string md;
  for (const std::string& file : kHttpFiles) {
    for (bool keepalive : {true, false}) {
      absl::StrAppend(&md, "### ", file, ", ",
                      keepalive ? "keepalive" : "close", "\n\n",
                      HttpTable(http, file, keepalive), "\n");
    }
  }
  return md;
}

std::string CloseModeNote(const std::string& load_tool) {
  if (load_tool == "wrk") {
    return ": wrk has no such mode, so a script sets `Connection: close` on "
           "every request, the server closes after its response and wrk "
           "reconnects; wrk's latency does not include the connect";
  }
  return " (`wasp-load --keepalive=false`)";
}

std::string LoadCheckSection(const SuiteRun& run) {
  if (!run.load_check_note.empty()) {
    return absl::StrCat("The check was ", run.load_check_note, ".\n");
  }
  return absl::StrCat(
      absl::StrFormat(
          "wasp-server on CPU 0, keep-alive small.html, %d connections, one "
          "thread on CPU 1, %d s per round, the best round of each tool (all "
          "rounds: `loadcheck.csv`):\n\n",
          run.loads.back(), run.duration_s),
      LoadCheckTable(run.load_check));
}

std::string EventsSection(const SuiteRun& run) {
  std::string md;
  for (const auto& [server, events] : run.server_events) {
    for (const auto& [count, line] : events) {
      if (md.empty()) md = "| server | count | line |\n| --- | ---: | --- |\n";
      absl::StrAppend(&md, "| ", server, " | ", count, " | `",
                      absl::StrReplaceAll(line, {{"|", "\\|"}}), "` |\n");
    }
  }
  if (md.empty()) {
    return "None: no server logged anything but its start and stop.\n";
  }
  return md;
}

std::string PlotLinks(const std::vector<std::string>& plots) {
  std::string md;
  for (const std::string& name : plots) {
    absl::StrAppend(&md, "![", name, "](", name, ".png) ([SVG](", name,
                    ".svg))\n\n");
  }
  return md.empty() ? "No plots (see raw/*.gnuplot.log).\n" : md;
}

// wasp-scale's report, its headings one level down.
std::string ScaleSection(const std::string& scale_md) {
  if (scale_md.empty()) return "";
  std::string md = absl::StrReplaceAll(scale_md, {{"\n# ", "\n## "}});
  if (md.rfind("# ", 0) == 0) md = "#" + md;
  return absl::StrCat("\n", md);
}

}  // namespace

std::string Readme(const SuiteRun& run) {
  std::string md = absl::StrFormat(
      "# wasp-server side by side: %s\n\n"
      "Command: `%s` (%d s per measurement, connections %s); total run time "
      "%d min %d s.\nFiles: one CSV per scenario (`http.csv`, `echo.csv`, "
      "`scaling.csv`, `loadcheck.csv`, `engine.csv`), the load tools' and "
      "servers' own output in `raw/`.\n\n## Machine\n\n",
      run.name, run.command, run.duration_s, absl::StrJoin(run.loads, " "),
      run.elapsed_s / 60, run.elapsed_s % 60);
  absl::StrAppend(&md, FactsTable(run.machine), "\n", kPinning, "\n",
                  kConfigurations, "\n");
  absl::StrAppendFormat(
      &md,
      "Every configuration serves the same two files: `small.html` (%d "
      "bytes) and `big.bin` (65,536 bytes).\n\"keepalive\" runs keep each "
      "connection open; \"close\" runs send one request per connection%s.\n\n",
      run.small_html_bytes, CloseModeNote(run.load_tool));
  absl::StrAppend(&md, kCeiling, "\n");
  absl::StrAppend(
      &md, run.warmup_s > 0
               ? absl::StrFormat("Every measurement follows %d s of the same "
                                 "load that is not counted.\n\n",
                                 run.warmup_s)
               : "No warm-up before the measurements (--quick).\n\n");
  absl::StrAppend(
      &md, "## Targets, from the rows below\n\n",
      TargetsTable(Targets(run.http)),
      "\nThe load tool's target (wasp-load within 10% of wrk): "
      "section 5.\n\n## 1. HTTP, one worker\n\n",
      HttpSections(run.http), "## 2. Echo\n\n",
      run.echo_note.empty() ? EchoTable(run.echo)
                            : absl::StrCat("Echo was ", run.echo_note, ".\n"),
      "\n## 3. Scaling: one worker and two\n\n", ScalingTable(run.scaling));
  absl::StrAppend(&md, "\n## 4. Engine micro-benchmarks\n\nengine_bench: ",
                  run.engine_status, "; CSV in `engine.csv`.\n\n```\n",
                  run.engine_figures, "```\n\n");
  absl::StrAppend(&md, "## 5. The load tool against wrk\n\n",
                  LoadCheckSection(run), "\n## Server log events\n\n",
                  EventsSection(run), "\n## Plots\n\n", PlotLinks(run.plots),
                  ScaleSection(run.scale_md));
  return md;
}

}  // namespace wasp::bench
