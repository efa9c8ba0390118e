#include "tools/artifacts/steps.h"

#include <unistd.h>

#include <set>

#include "gtest/gtest.h"

namespace wasp::artifacts {
namespace {

const Step& Named(const std::string& name) {
  for (const Step& step : Steps()) {
    if (step.name == name) return step;
  }
  ADD_FAILURE() << "no step " << name;
  return Steps().front();
}

TEST(StepsTest, EachRunsOneProgramIntoItsOwnConsole) {
  std::set<std::string> consoles;
  for (const Step& step : Steps()) {
    EXPECT_NE(step.target.empty(), step.program.empty()) << step.name;
    EXPECT_TRUE(consoles.insert(step.console).second) << step.console;
  }
  EXPECT_EQ(Steps().size(), 6u);
}

TEST(StepsTest, EveryFigureComesFromAStepAndHasItsPlotScript) {
  for (const Figure& figure : Figures()) {
    EXPECT_EQ(Named(figure.step).name, figure.step);
    if (figure.plot.empty()) continue;
    std::string script = "tools/artifacts/plots/" + figure.plot + ".gp";
    EXPECT_EQ(::access(script.c_str(), R_OK), 0) << script;
    EXPECT_FALSE(figure.plot_data.empty()) << figure.plot;
  }
}

TEST(TargetsTest, TheWantedStepsPrograms) {
  EXPECT_EQ(Targets({}),
            (std::vector<std::string>{
                "//tools/artifacts:paper_modes", "//tools/artifacts:paper_echo",
                "//tools/artifacts:paper_js", "//tools/bench:engine_bench",
                "//tools/aes:aes_speed"}));
  EXPECT_EQ(Targets({.engine = false, .openssl = false}).size(), 3u);
  EXPECT_EQ(TargetPath("//tools/bench:engine_bench"),
            "tools/bench/engine_bench");
}

TEST(WantedTest, EachOptionLeavesOutItsPart) {
  PartsWanted none = {.engine = false, .openssl = false, .suite = false};
  EXPECT_TRUE(Wanted(Named("paper_modes"), none));
  EXPECT_FALSE(Wanted(Named("engine_bench"), none));
  EXPECT_FALSE(Wanted(Named("aes_speed"), none));
  EXPECT_FALSE(Wanted(Named("wasp bench"), none));
  EXPECT_TRUE(Wanted(Named("wasp bench"), {}));
  EXPECT_EQ(SkipOption(Named("wasp bench")), "--no-suite");
  EXPECT_EQ(SkipOption(Named("engine_bench")), "--no-engine");
  EXPECT_EQ(SkipOption(Named("paper_js")), "");
}

TEST(StepArgvTest, AbsolutePathsToRun) {
  EXPECT_EQ(StepArgv(Named("paper_js"), "/bin-dir", "/repo", "/out/data"),
            (std::vector<std::string>{"/bin-dir/tools/artifacts/paper_js",
                                      "--script", "/repo/guest/js/test.js",
                                      "--out", "/out/data"}));
  EXPECT_EQ(StepArgv(Named("wasp bench"), "/bin-dir", "/repo", "/out/data"),
            (std::vector<std::string>{"/repo/tools/wasp", "bench", "--quick",
                                      "--out", "/out/data/fig13"}));
}

TEST(StepCommandTest, RelativePathsAndTheConsoleRedirected) {
  EXPECT_EQ(StepCommand(Named("paper_modes")),
            "bazel-bin/tools/artifacts/paper_modes --out data "
            "--benchmark_out=data/paper_modes_benchmark.csv "
            "--benchmark_out_format=csv > data/paper_modes.txt 2>&1");
  EXPECT_EQ(StepCommand(Named("aes_speed")),
            "bazel-bin/tools/aes/aes_speed --seconds=1 > data/openssl.txt");
  EXPECT_EQ(StepCommand(Named("wasp bench")),
            "tools/wasp bench --quick --out data/fig13 > "
            "data/fig13/suite.txt 2>&1");
}

}  // namespace
}  // namespace wasp::artifacts
