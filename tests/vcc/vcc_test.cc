// Programs built by vcc_binary behave as their native builds do (the same
// source without vcc), with and without snapshots; globals reset per call;
// a faulting or endless virtine stops the program with a message naming
// the function.
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"

namespace {

struct Outcome {
  int status;
  std::string output;  // stdout, then stderr
};

// Runs tests/vcc/PROGRAM; its output is stdout, then stderr.
Outcome RunAlone(const std::string& program, const std::string& env = "",
                 const std::string& args = "") {
  std::string err = ::testing::TempDir() + "/stderr";
  std::string command = absl::StrCat(env, " timeout 120 tests/vcc/", program,
                                     " ", args, " 2>", err);
  Outcome run{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0) {
    run.output.append(chunk, n);
  }
  run.status = pclose(pipe);
  FILE* file = std::fopen(err.c_str(), "r");
  while (file && (n = fread(chunk, 1, sizeof chunk, file)) > 0) {
    run.output.append(chunk, n);
  }
  if (file) std::fclose(file);
  return run;
}

class VccTest : public wasp::testing::KvmTest {};

TEST_F(VccTest, ReadmeExamplePrintsNine) {
  Outcome run = RunAlone("readme_example");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output, "9\n");
}

TEST_F(VccTest, UpstreamSmoketestPasses) {
  Outcome run = RunAlone("smoketest");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("val=9\n"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("smoke test passed"), std::string::npos);
}

TEST_F(VccTest, EveryTypeMatchesTheNativeBuild) {
  Outcome native = RunAlone("types_native");
  ASSERT_EQ(native.status, 0) << native.output;
  Outcome vcc = RunAlone("types");
  EXPECT_EQ(vcc.status, 0) << vcc.output;
  EXPECT_EQ(vcc.output, native.output);
  EXPECT_NE(native.output.find("twice_square 98\n"), std::string::npos)
      << native.output;
}

TEST_F(VccTest, WithoutSnapshotsTheResultsAreTheSame) {
  Outcome native = RunAlone("types_native");
  Outcome vcc = RunAlone("types", "WASP_NO_SNAPSHOT=1");
  EXPECT_EQ(vcc.status, 0) << vcc.output;
  EXPECT_EQ(vcc.output, native.output);
  Outcome smoke = RunAlone("smoketest", "WASP_NO_SNAPSHOT=1");
  EXPECT_EQ(smoke.status, 0) << smoke.output;
}

TEST_F(VccTest, GlobalsStartFromTheirInitialValuesAtEveryCall) {
  Outcome run = RunAlone("globals");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output, "bump 101 101 caller 100\nallocate 1 1\n");
  Outcome native = RunAlone("globals_native");
  EXPECT_EQ(native.output, "bump 101 102 caller 102\nallocate 1 0\n");
}

TEST_F(VccTest, VirtineMemorySetsTheGuestMemory) {
  Outcome run = RunAlone("memory");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output, "default 0 large 1\n");
}

TEST_F(VccTest, AFaultingVirtineAbortsNamingTheFunction) {
  Outcome run = RunAlone("faults", "", "crash");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 128 + SIGABRT) << run.output;
  EXPECT_NE(run.output.find("vcc: virtine function 'crash'"), std::string::npos)
      << run.output;
}

TEST_F(VccTest, AnEndlessVirtineIsStoppedByItsBudget) {
  Outcome run = RunAlone("faults", "WASP_VCC_BUDGET_MS=200", "spin");
  ASSERT_TRUE(WIFEXITED(run.status)) << run.output;
  EXPECT_EQ(WEXITSTATUS(run.status), 128 + SIGABRT) << run.output;
  EXPECT_NE(run.output.find("vcc: virtine function 'spin'"), std::string::npos)
      << run.output;
}

}  // namespace
