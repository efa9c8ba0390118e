// wasp-artifacts: the upstream paper's experiments reproduced into
// bench-results/artifacts-<date>/artifacts.tar, like upstream's
// `make artifacts.tar` (artifacts.h). `tools/wasp artifacts` builds it and
// runs it from the caller's directory; it builds and runs the rest itself,
// from the checkout. Progress goes to stderr, the programs' tables to
// stdout.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tools/artifacts/artifacts.h"
#include "tools/common/flag_names.h"
#include "tools/common/stop_children.h"

ABSL_FLAG(std::string, out, "",
          "where to put the artifacts (default: "
          "bench-results/artifacts-<date> in the checkout)");
ABSL_FLAG(std::string, from_data, "",
          "build and run nothing: derive the figures, README and "
          "artifacts.tar again from DIR/data (an earlier run)");
ABSL_FLAG(bool, no_engine, false,
          "skip //tools/bench:engine_bench (Figs. 8, 11, 12)");
ABSL_FLAG(bool, no_suite, false, "skip tools/wasp bench (Fig. 13)");
ABSL_FLAG(bool, no_openssl, false, "skip //tools/aes:aes_speed (Sec. 6.4)");
ABSL_FLAG(bool, no_plots, false, "no gnuplot figures");
ABSL_FLAG(std::string, repo, ".", "the Wasp checkout");
ABSL_FLAG(std::string, command, "",
          "the command to name in the README (default: this one)");
ABSL_FLAG(std::string, gnuplot, "gnuplot", "the gnuplot program");

namespace wasp::artifacts {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "the upstream paper's experiments, plotted and packed into "
    "artifacts.tar (tools/wasp artifacts builds and runs it).\n"
    "  wasp-artifacts [--out DIR] [--from-data DIR] [--no-engine] "
    "[--no-suite] [--no-openssl] [--no-plots]";

std::string Absolute(const std::string& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  return (error ? fs::path(path) : absolute).lexically_normal().string();
}

absl::StatusOr<Options> OptionsFromFlags(int argc, char** argv) {
  Options options = {.repo = Absolute(absl::GetFlag(FLAGS_repo)),
                     .parts = {.engine = !absl::GetFlag(FLAGS_no_engine),
                               .openssl = !absl::GetFlag(FLAGS_no_openssl),
                               .suite = !absl::GetFlag(FLAGS_no_suite)},
                     .plots = !absl::GetFlag(FLAGS_no_plots),
                     .command = absl::GetFlag(FLAGS_command),
                     .gnuplot = absl::GetFlag(FLAGS_gnuplot)};
  std::string out = absl::GetFlag(FLAGS_out);
  std::string from_data = absl::GetFlag(FLAGS_from_data);
  if (!from_data.empty()) {
    if (!out.empty() && Absolute(out) != Absolute(from_data)) {
      return absl::InvalidArgumentError(
          "--from-data DIR writes into DIR: give --out only without it");
    }
    options.from_data = true;
    out = from_data;
  }
  if (out.empty()) {
    out = absl::StrCat(
        options.repo, "/bench-results/artifacts-",
        absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()));
  }
  options.out = Absolute(out);
  if (options.command.empty()) {
    options.command = absl::StrJoin(argv, argv + argc, " ");
  }
  return options;
}

int Main(int argc, char** argv) {
  if (!ParseFlagsOnly(argc, argv, kUsage, "tools/artifacts/")) return 2;
  absl::StatusOr<Options> options = OptionsFromFlags(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "wasp-artifacts: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }
  if (::chdir(options->repo.c_str()) != 0) {
    std::fprintf(stderr, "wasp-artifacts: cannot enter %s: %s\n",
                 options->repo.c_str(), std::strerror(errno));
    return 2;
  }
  StopChildrenOnSignal();
  return MakeArtifacts(*options);
}

}  // namespace
}  // namespace wasp::artifacts

int main(int argc, char** argv) { return wasp::artifacts::Main(argc, argv); }
