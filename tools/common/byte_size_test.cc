#include "tools/common/byte_size.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(ByteSizeTest, ParsesNumbersAndSuffixes) {
  EXPECT_EQ(*ParseByteSize("mem", "4096"), 4096u);
  EXPECT_EQ(*ParseByteSize("mem", "0x8000"), 0x8000u);
  EXPECT_EQ(*ParseByteSize("mem", "64K"), 65536u);
  EXPECT_EQ(*ParseByteSize("mem", "16m"), 16u << 20);
  EXPECT_EQ(*ParseByteSize("mem", "1G"), 1u << 30);
}

TEST(ByteSizeTest, RefusesWhatIsNotASize) {
  for (const char* bad : {"", "K", "12Q", "-1", "1.5M", "99999999999999999G"}) {
    auto size = ParseByteSize("mem", bad);
    EXPECT_FALSE(size.ok()) << bad;
    EXPECT_NE(size.status().message().find("--mem="), std::string::npos);
  }
}

}  // namespace
}  // namespace wasp
