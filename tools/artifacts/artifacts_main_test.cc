// wasp-artifacts itself, as tools/wasp runs it, on the small data directory
// of an earlier run (testdata/): no KVM, no Bazel.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/artifacts/console_run.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {
namespace {

namespace fs = std::filesystem;

struct ProgramRun {
  int status = -1;
  std::string out;
  std::string err;
};

ProgramRun Artifacts(std::vector<std::string> args) {
  static int runs = 0;
  std::string base = absl::StrCat(::testing::TempDir(), "/run", ++runs);
  args.insert(args.begin(), "tools/artifacts/wasp-artifacts");
  absl::StatusOr<int> status = RunWithConsole(
      args, {.out = base + ".out", .err = base + ".err"}, absl::Minutes(2));
  EXPECT_TRUE(status.ok()) << status.status();
  return {status.value_or(-1), ReadFile(base + ".out"),
          ReadFile(base + ".err")};
}

// A copy of testdata/ (an earlier run's data/), to write into.
std::string EarlierRun(const std::string& name) {
  std::string out = absl::StrCat(::testing::TempDir(), "/", name);
  fs::remove_all(out);
  fs::create_directories(out);
  fs::copy("tools/artifacts/testdata/data", out + "/data",
           fs::copy_options::recursive);
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string TarListing(const std::string& out) {
  return OutputOf({"/usr/bin/env", "tar", "-tf", out + "/artifacts.tar"})
      .value_or("");
}

TEST(ArtifactsMainTest, HelpNamesTheOptions) {
  ProgramRun run = Artifacts({"--help"});
  EXPECT_TRUE(Contains(run.out, "wasp-artifacts [--out DIR] [--from-data DIR]"))
      << run.out;
  for (const char* flag : {"--from_data", "--no_engine", "--no_suite",
                           "--no_openssl", "--no_plots", "--out"}) {
    EXPECT_TRUE(Contains(run.out, flag)) << flag;
  }
  EXPECT_EQ(Artifacts({"-h"}).out, run.out);
}

TEST(ArtifactsMainTest, RefusesWhatItDoesNotKnow) {
  ProgramRun bogus = Artifacts({"--bogus"});
  EXPECT_NE(bogus.status, 0);
  EXPECT_TRUE(Contains(bogus.err, "bogus")) << bogus.err;
  ProgramRun extra = Artifacts({"extra"});
  EXPECT_EQ(extra.status, 2);
  EXPECT_TRUE(Contains(extra.err, "unexpected argument extra")) << extra.err;
  ProgramRun both = Artifacts({"--out", "/tmp/a", "--from-data", "/tmp/b"});
  EXPECT_EQ(both.status, 2);
  ProgramRun missing = Artifacts(
      {"--from-data", ::testing::TempDir() + "/nothing", "--no-plots"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_TRUE(Contains(missing.err, "/nothing/data")) << missing.err;
}

TEST(ArtifactsMainTest, FromDataDerivesTheFiguresReadmeAndTar) {
  std::string out = EarlierRun("from-data");
  ProgramRun run = Artifacts({"--from-data", out, "--no-plots",
                              "--command=tools/wasp artifacts --from-data X"});
  ASSERT_EQ(run.status, 0) << run.err;

  EXPECT_EQ(ReadFile(out + "/data/fig8.csv"),
            "context,us\nexit round trip (reused VM),22.600\n"
            "virtine: cached call,29.800\nfork+waitpid,969.000\n");
  EXPECT_TRUE(Contains(ReadFile(out + "/data/fig11.csv"),
                       "\n15,,,\n20,13.100,68.100,61.200\n"));
  EXPECT_EQ(ReadFile(out + "/data/fig12.csv"),
            "image_kib,cached_call_us\n4,30.500\n65536,28.800\n");

  std::string readme = ReadFile(out + "/README.md");
  EXPECT_TRUE(Contains(readme,
                       "Produced by `tools/wasp artifacts --from-data "
                       "X`"));
  EXPECT_TRUE(Contains(readme, "| TSC | 2445.4 MHz |"));
  EXPECT_TRUE(Contains(readme, "| cores | "));
  EXPECT_TRUE(Contains(readme,
                       "| Fig. 4: echo server boot latency | - | "
                       "data/fig4.csv (median"));
  EXPECT_TRUE(Contains(readme, "| Fig. 13: HTTP server | - | not run |"));
  EXPECT_TRUE(Contains(readme,
                       "| Figs. 2 and 8: context creation | - | "
                       "data/fig8.csv, from data/engine.csv |"));
  EXPECT_TRUE(Contains(readme, "```sh\n# not recorded\n```\n"));
  EXPECT_TRUE(Contains(readme,
                       "\n## Fig. 4\n\n```\nFig. 4: echo server, test "
                       "table\nmain 0.00\n\n```\n"));
  EXPECT_TRUE(Contains(readme,
                       "\n## Fig. 14\n\n```\nFig. 14: test.js, test "
                       "table\nsnapshot 0.53x\n\n```\n"));
  EXPECT_FALSE(Contains(readme, "CSV written"));
  EXPECT_TRUE(Contains(readme, "\nvpaes virtine       193.75k"));
  EXPECT_FALSE(Contains(readme, "version: 3.0.19"));
  EXPECT_FALSE(Contains(readme, "## Table 1 and Fig. 3"));  // no console

  std::string listing = TarListing(out);
  for (const char* file : {"README.md\n", "data/fig8.csv\n", "data/fig4.csv\n",
                           "data/openssl.txt\n", "data/engine.csv\n"}) {
    EXPECT_TRUE(Contains(listing, file)) << file << " in\n" << listing;
  }
}

TEST(ArtifactsMainTest, FromDataKeepsTheEarlierCommands) {
  std::string out = EarlierRun("commands");
  ASSERT_EQ(Artifacts({"--from-data", out, "--no-plots"}).status, 0);
  std::string readme = ReadFile(out + "/README.md");
  std::string earlier = "bazel-bin/tools/bench/engine_bench > x.txt";
  size_t at = readme.find("```sh\n# not recorded\n");
  ASSERT_NE(at, std::string::npos);
  readme.replace(at + 6, 15, earlier + "\n");
  ASSERT_TRUE(WriteFile(out + "/README.md", readme).ok());
  ASSERT_EQ(Artifacts({"--from-data", out, "--no-plots"}).status, 0);
  EXPECT_TRUE(
      Contains(ReadFile(out + "/README.md"), "```sh\n" + earlier + "\n```\n"));
}

TEST(ArtifactsMainTest, FromDataPlotsWhereGnuplotIs) {
  ASSERT_TRUE(OutputOf({"/usr/bin/env", "gnuplot", "--version"}).ok())
      << "no gnuplot: tools/wasp test installs gnuplot-nox";
  std::string out = EarlierRun("plots");
  ProgramRun run = Artifacts({"--from-data", out});
  ASSERT_EQ(run.status, 0) << run.err;
  for (const char* png :
       {"fig4.png", "fig8.png", "fig11.png", "fig12.png", "fig14.png"}) {
    EXPECT_GT(ReadFile(out + "/" + png).size(), 1000u) << png;
    EXPECT_TRUE(Contains(TarListing(out), std::string(png) + "\n")) << png;
  }
  EXPECT_FALSE(fs::exists(out + "/table1.png"));
  EXPECT_TRUE(Contains(run.err, "no data for table1: not plotted"));
  EXPECT_TRUE(Contains(ReadFile(out + "/README.md"),
                       "| Fig. 4: echo server boot latency | fig4.png |"));
}

TEST(ArtifactsMainTest, AFailedPlotLeavesNoFigure) {
  ASSERT_TRUE(OutputOf({"/usr/bin/env", "gnuplot", "--version"}).ok())
      << "no gnuplot: tools/wasp test installs gnuplot-nox";
  std::string out = EarlierRun("failed-plot");
  // engine_bench stopped before the image sizes: fig12.csv has no rows.
  std::string csv = ReadFile(out + "/data/engine.csv");
  ASSERT_TRUE(WriteFile(out + "/data/engine.csv",
                        csv.substr(0, csv.find("\"BM_ImageSize")))
                  .ok());
  ProgramRun run = Artifacts({"--from-data", out});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(ReadFile(out + "/data/fig12.csv"), "image_kib,cached_call_us\n");
  EXPECT_TRUE(Contains(run.err, "gnuplot failed on fig12"));
  EXPECT_FALSE(fs::exists(out + "/fig12.png"));
  EXPECT_FALSE(Contains(TarListing(out), "fig12.png"));
  EXPECT_TRUE(
      Contains(ReadFile(out + "/README.md"), "| Fig. 12: image size | - |"));
}

}  // namespace
}  // namespace wasp::artifacts
