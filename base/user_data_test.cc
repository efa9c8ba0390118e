#include "base/user_data.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(UserDataTest, EveryFieldSurvivesPacking) {
  for (UserData data :
       {UserData{.tag = 1, .slot = 0, .generation = 0},
        UserData{
            .tag = 255, .slot = kUserDataSlots - 1, .generation = 0xFFFFFFFF},
        UserData{.tag = 7, .slot = 12345, .generation = 42}}) {
    UserData back = UnpackUserData(PackUserData(data));
    EXPECT_EQ(back.tag, data.tag);
    EXPECT_EQ(back.slot, data.slot);
    EXPECT_EQ(back.generation, data.generation);
  }
}

TEST(UserDataTest, AReusedSlotIsTellableFromItsEarlierUse) {
  uint64_t earlier = PackUserData({.tag = 3, .slot = 9, .generation = 1});
  uint64_t later = PackUserData({.tag = 3, .slot = 9, .generation = 2});
  EXPECT_NE(earlier, later);
  EXPECT_NE(UnpackUserData(earlier).generation,
            UnpackUserData(later).generation);
}

}  // namespace
}  // namespace wasp
