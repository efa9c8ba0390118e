#include "tools/artifacts/readme.h"

#include "gtest/gtest.h"

namespace wasp::artifacts {
namespace {

ArtifactsReadme Sample() {
  return {
      .command = "tools/wasp artifacts --no-suite",
      .machine = {{"date", "2026-12-08T10:00Z"}, {"TSC", "2445.4 MHz"}},
      .commands = {"bazel build -c opt //tools/artifacts:paper_echo",
                   "bazel-bin/tools/artifacts/paper_echo --out data > "
                   "data/paper_echo.txt 2>&1"},
      .contents = {{"Fig. 4: echo server boot latency", "fig4.png",
                    "data/fig4.csv"},
                   {"Fig. 13: HTTP server", "-", "skipped (--no-suite)"}},
      .consoles = {"data/paper_echo.txt"},
      .excerpts = {{"Fig. 4", "Fig. 4: echo server\nmain 0.00\n"}},
  };
}

TEST(ReadmeTest, SectionsInOrder) {
  std::string md = Readme(Sample());
  size_t machine = md.find("\n## Machine\n");
  size_t commands = md.find("\n## Commands\n");
  size_t contents = md.find("\n## Contents\n");
  size_t fig4 = md.find("\n## Fig. 4\n");
  ASSERT_NE(machine, std::string::npos);
  ASSERT_NE(commands, std::string::npos);
  ASSERT_NE(contents, std::string::npos);
  ASSERT_NE(fig4, std::string::npos);
  EXPECT_LT(machine, commands);
  EXPECT_LT(commands, contents);
  EXPECT_LT(contents, fig4);
  EXPECT_EQ(md.rfind("# Wasp: the upstream paper's experiments\n", 0), 0u);
  EXPECT_NE(md.find("Produced by `tools/wasp artifacts --no-suite`"),
            std::string::npos);
}

TEST(ReadmeTest, MachineTableCommandsAndContents) {
  std::string md = Readme(Sample());
  EXPECT_NE(md.find("| | |\n| --- | --- |\n| date | 2026-12-08T10:00Z |\n"
                    "| TSC | 2445.4 MHz |\n"),
            std::string::npos);
  EXPECT_NE(md.find("```sh\nbazel build -c opt //tools/artifacts:paper_echo\n"
                    "bazel-bin/tools/artifacts/paper_echo --out data > "
                    "data/paper_echo.txt 2>&1\n```\n"),
            std::string::npos);
  EXPECT_NE(md.find("| paper | figure | data |\n| --- | --- | --- |\n"
                    "| Fig. 4: echo server boot latency | fig4.png | "
                    "data/fig4.csv |\n"
                    "| Fig. 13: HTTP server | - | skipped (--no-suite) |\n"),
            std::string::npos);
  EXPECT_NE(md.find("Console output of each program: data/paper_echo.txt."),
            std::string::npos);
  EXPECT_NE(md.find("## Fig. 4\n\n```\nFig. 4: echo server\nmain 0.00\n```\n"),
            std::string::npos);
}

TEST(CommandsOfTest, TheShBlockOfAnEarlierReadme) {
  ArtifactsReadme sample = Sample();
  EXPECT_EQ(CommandsOf(Readme(sample)), sample.commands);
  EXPECT_TRUE(CommandsOf("# no commands\n```\nnot sh\n```\n").empty());
  sample.commands.clear();
  EXPECT_NE(Readme(sample).find("```sh\n# not recorded\n```\n"),
            std::string::npos);
}

TEST(TscFactTest, FromTheMachineCsvOrNotMeasured) {
  EXPECT_EQ(TscFact("cpu,\"Test CPU\"\ntsc_mhz,2445.4\nkvm_pvm,1\n"),
            "2445.4 MHz");
  EXPECT_EQ(TscFact(""), "not measured");
}

TEST(VirtualizationTest, PvmThenHardwareThenNeither) {
  EXPECT_EQ(Virtualization(true, "fpu vmx").rfind("KVM through PVM", 0), 0u);
  EXPECT_EQ(Virtualization(false, "fpu svm sse"), "hardware KVM (svm)");
  EXPECT_EQ(Virtualization(false, "fpu vmxnot").rfind("KVM without", 0), 0u);
}

}  // namespace
}  // namespace wasp::artifacts
