// Runs the runtime's self-test inside a virtine, at several memory sizes (the
// heap's bounds depend on them).
#include <string>

#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/runtime/runtime_selftest_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

class RuntimeTest : public testing::KvmTest,
                    public ::testing::WithParamInterface<uint64_t> {};

TEST_P(RuntimeTest, SelfTestPasses) {
  std::string console;
  HypercallTable table;
  ASSERT_TRUE(
      table
          .Register(WASP_HC_WRITE,
                    [&console](Virtine& virtine, const Hypercall& call) {
                      auto bytes = virtine.memory().Translate(call.args[0],
                                                              call.args[1]);
                      if (!bytes.ok()) {
                        return HypercallResult::Error(WASP_EFAULT);
                      }
                      console.append(bytes->begin(), bytes->end());
                      return HypercallResult::Return(bytes->size());
                    })
          .ok());
  auto virtine = Virtine::Create(GetParam(), {.hypercalls = &table});
  ASSERT_TRUE(virtine.ok()) << virtine.status();
  ASSERT_TRUE((*virtine)->load(images::runtime_selftest()).ok());
  auto exit = (*virtine)->run(absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::Exited) << exit->ToString();
  EXPECT_EQ(exit->exit_code, 0) << console;
  EXPECT_NE(console.find("PASSED: 0 failures"), std::string::npos) << console;
}

INSTANTIATE_TEST_SUITE_P(MemorySizes, RuntimeTest,
                         ::testing::Values(uint64_t{1} << 20,
                                           uint64_t{8} << 20));

}  // namespace
}  // namespace wasp
