#include "tools/artifacts/artifacts.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace wasp::artifacts {
namespace {

const Step* Named(const std::string& name) {
  for (const Step& step : Steps()) {
    if (step.name == name) return &step;
  }
  return nullptr;
}

std::vector<StepResult> AllOk() {
  std::vector<StepResult> results;
  for (const Step& step : Steps()) results.push_back({&step, Outcome::kOk});
  return results;
}

StepResult& ResultOf(std::vector<StepResult>& results,
                     const std::string& name) {
  for (StepResult& result : results) {
    if (result.step == Named(name)) return result;
  }
  ADD_FAILURE() << "no step " << name;
  return results.front();
}

const ContentsRow& Row(const std::vector<ContentsRow>& rows,
                       const std::string& prefix) {
  for (const ContentsRow& row : rows) {
    if (row.paper.rfind(prefix, 0) == 0) return row;
  }
  ADD_FAILURE() << "no row " << prefix;
  return rows.front();
}

TEST(ContentsTest, DrawnFiguresAndWhyDataIsMissing) {
  std::string out = ::testing::TempDir() + "/contents";
  std::filesystem::create_directories(out);
  std::ofstream(out + "/fig4.png") << "png";
  std::ofstream(out + "/fig13_echo-throughput.png") << "png";
  std::vector<StepResult> results = AllOk();
  ResultOf(results, "aes_speed") = {Named("aes_speed"), Outcome::kFailed,
                                    "exit 1"};
  ResultOf(results, "engine_bench") = {Named("engine_bench"), Outcome::kSkipped,
                                       "--no-engine"};
  ResultOf(results, "paper_js") = {Named("paper_js"), Outcome::kTimedOut,
                                   "stopped after 30m"};
  std::vector<ContentsRow> rows = Contents(results, out);
  ASSERT_EQ(rows.size(), Figures().size());
  EXPECT_EQ(Row(rows, "Fig. 4:").figure, "fig4.png");
  EXPECT_EQ(Row(rows, "Fig. 4:").data.rfind("data/fig4.csv (median", 0), 0u);
  EXPECT_EQ(Row(rows, "Table 1:").figure, "-");
  EXPECT_EQ(Row(rows, "Fig. 13:").figure, "fig13_*.png");
  EXPECT_EQ(Row(rows, "Fig. 11:").data, "skipped (--no-engine)");
  EXPECT_EQ(Row(rows, "Sec. 6.4:").data,
            "aes_speed exit 1; see data/openssl.txt");
  EXPECT_EQ(Row(rows, "Fig. 14:").data,
            "paper_js stopped after 30m; see data/paper_js.txt");
}

TEST(ContentsTest, FromDataWhatWasNotRecorded) {
  std::vector<StepResult> results;
  for (const Step& step : Steps()) {
    results.push_back({&step, step.name == "wasp bench" ? Outcome::kNotRun
                                                        : Outcome::kRecorded});
  }
  std::vector<ContentsRow> rows =
      Contents(results, ::testing::TempDir() + "/no-such-dir");
  EXPECT_EQ(Row(rows, "Fig. 13:").data, "not run");
  EXPECT_EQ(Row(rows, "Fig. 13:").figure, "-");
  EXPECT_EQ(Row(rows, "Figs. 2 and 8:").data,
            "data/fig8.csv, from data/engine.csv");
}

TEST(CommandsTest, BuildThenWhatRanWithFailuresNoted) {
  std::vector<StepResult> results = AllOk();
  ResultOf(results, "engine_bench") = {Named("engine_bench"), Outcome::kSkipped,
                                       "--no-engine"};
  ResultOf(results, "wasp bench") = {Named("wasp bench"), Outcome::kTimedOut,
                                     "stopped after 3m"};
  std::vector<std::string> commands =
      Commands(results, {.engine = false, .openssl = true, .suite = true});
  ASSERT_EQ(commands.size(), 6u);
  EXPECT_EQ(commands[0],
            "bazel build -c opt //tools/artifacts:paper_modes "
            "//tools/artifacts:paper_echo //tools/artifacts:paper_js "
            "//tools/aes:aes_speed");
  EXPECT_EQ(commands[1].rfind("bazel-bin/tools/artifacts/paper_modes ", 0), 0u);
  EXPECT_EQ(commands[4].rfind("bazel-bin/tools/aes/aes_speed ", 0), 0u);
  EXPECT_EQ(commands[5],
            "tools/wasp bench --quick --out data/fig13 > "
            "data/fig13/suite.txt 2>&1  # stopped after 3m");
}

}  // namespace
}  // namespace wasp::artifacts
