#include "engine/hypercall.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(HypercallAllowlistTest, AllowsExactlyItsNumbers) {
  auto list = HypercallAllowlist::Of({WASP_HC_WRITE, 10});
  EXPECT_TRUE(list.Allows(WASP_HC_WRITE));
  EXPECT_TRUE(list.Allows(10));
  EXPECT_FALSE(list.Allows(WASP_HC_GET_ARG));
  EXPECT_FALSE(list.Allows(0));
  EXPECT_FALSE(HypercallAllowlist::None().Allows(WASP_HC_WRITE));
  EXPECT_TRUE(HypercallAllowlist::All().Allows(WASP_HC_MAX));
}

TEST(HypercallAllowlistTest, NeverAllowsNumbersAboveTheAbi) {
  EXPECT_FALSE(HypercallAllowlist::All().Allows(WASP_HC_MAX + 1));
  EXPECT_FALSE(HypercallAllowlist::All().Allows(~0ull));
  auto list = HypercallAllowlist::None();
  list.Allow(1000);
  EXPECT_FALSE(list.Allows(1000));
  EXPECT_FALSE(list.Allows(1000 % 64));
}

TEST(HypercallTableTest, FindsRegisteredHandlers) {
  HypercallTable table;
  EXPECT_EQ(table.Find(10), nullptr);
  ASSERT_TRUE(table
                  .Register(10,
                            [](Virtine&, const Hypercall& call) {
                              return HypercallResult::Return(call.args[0] + 1);
                            })
                  .ok());
  const HypercallHandler* handler = table.Find(10);
  ASSERT_NE(handler, nullptr);
  EXPECT_EQ(table.Find(11), nullptr);
  EXPECT_EQ(table.Find(~0ull), nullptr);
}

TEST(HypercallTableTest, RefusesNumbersAboveTheAbi) {
  HypercallTable table;
  auto status = table.Register(WASP_HC_MAX + 1, [](Virtine&, const Hypercall&) {
    return HypercallResult::Return(0);
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Find(WASP_HC_MAX + 1), nullptr);
}

TEST(HypercallResultTest, ErrorsAreNegativeErrnos) {
  EXPECT_EQ(HypercallResult::Error(WASP_EFAULT).value, -14);
  EXPECT_EQ(HypercallResult::Error(WASP_EFAULT).action,
            HypercallResult::Action::kReturn);
}

}  // namespace
}  // namespace wasp
