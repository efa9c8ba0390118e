#include <cstdint>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"
#include "tests/testing/nasm_defines.h"

namespace {

TEST(AbiTest, NasmIncludeMatchesHeader) {
  std::map<std::string, int64_t> expected = {
      {"WASP_PORT_EXIT", WASP_PORT_EXIT},
      {"WASP_PORT_FAULT", WASP_PORT_FAULT},
      {"WASP_PORT_HYPERCALL", WASP_PORT_HYPERCALL},
      {"WASP_HC_WRITE", WASP_HC_WRITE},
      {"WASP_HC_GET_ARG", WASP_HC_GET_ARG},
      {"WASP_HC_SET_RESULT", WASP_HC_SET_RESULT},
      {"WASP_HC_SNAPSHOT", WASP_HC_SNAPSHOT},
      {"WASP_HC_RECV", WASP_HC_RECV},
      {"WASP_HC_SEND", WASP_HC_SEND},
      {"WASP_HC_SEND_RECV", WASP_HC_SEND_RECV},
      {"WASP_HC_SEND_CLOSE", WASP_HC_SEND_CLOSE},
      {"WASP_HC_GET_CONFIG", WASP_HC_GET_CONFIG},
      {"WASP_HC_HOST_OPEN", WASP_HC_HOST_OPEN},
      {"WASP_HC_HOST_READ", WASP_HC_HOST_READ},
      {"WASP_HC_HOST_WRITE", WASP_HC_HOST_WRITE},
      {"WASP_HC_HOST_CLOSE", WASP_HC_HOST_CLOSE},
      {"WASP_HC_HOST_FSTAT", WASP_HC_HOST_FSTAT},
      {"WASP_HC_HOST_LSEEK", WASP_HC_HOST_LSEEK},
      {"WASP_HC_HOST_ISATTY", WASP_HC_HOST_ISATTY},
      {"WASP_HC_HOST_GETTIMEOFDAY", WASP_HC_HOST_GETTIMEOFDAY},
      {"WASP_HC_HOST_UNLINK", WASP_HC_HOST_UNLINK},
      {"WASP_HC_HOST_LINK", WASP_HC_HOST_LINK},
  };
  auto defines = wasp::testing::ReadNasmDefines("guest/abi/hypercall.inc");
  ASSERT_TRUE(defines.ok()) << defines.status();
  EXPECT_EQ(*defines, expected);
}

TEST(AbiTest, LayoutIsConsistent) {
  EXPECT_EQ(WASP_PORT_EXIT, 0xFA) << "upstream images exit through 0xFA";
  EXPECT_EQ(WASP_DEFAULT_LOAD_ADDRESS, WASP_SYSTEM_AREA_END);
  EXPECT_EQ(WASP_SYSTEM_AREA_START % 4096, 0u);
  EXPECT_EQ(WASP_SYSTEM_AREA_END % 4096, 0u);
  EXPECT_LT(WASP_HC_SNAPSHOT, WASP_HC_MAX);
  EXPECT_LT(WASP_HC_HOST_LINK, WASP_HC_MAX);
  EXPECT_EQ(WASP_HC_MAX, 63) << "allowlists are 64-bit masks";
}

}  // namespace
