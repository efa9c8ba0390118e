#include "tools/common/cpuinfo.h"

#include "gtest/gtest.h"
#include "tools/common/child_process.h"

namespace wasp {
namespace {

TEST(CpuinfoTest, FieldsOfTheFirstProcessor) {
  std::string cpuinfo = ReadFile("/proc/cpuinfo");
  ASSERT_NE(cpuinfo.find("processor"), std::string::npos);
  EXPECT_EQ(CpuinfoField("processor"), "0");
  EXPECT_EQ(CpuinfoField("no such field"), "");
  if (cpuinfo.find("model name") != std::string::npos) {
    EXPECT_FALSE(CpuModel().empty());
    EXPECT_EQ(CpuModel().find(':'), std::string::npos);
  }
  if (cpuinfo.find("cpu MHz") != std::string::npos) {
    EXPECT_GT(CpuinfoMhz(), 0);
  }
}

}  // namespace
}  // namespace wasp
