#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"

namespace {

// %define NAME VALUE lines of the nasm include.
std::map<std::string, uint64_t> ReadNasmDefines() {
  std::ifstream file("guest/abi/hypercall.inc");
  EXPECT_TRUE(file) << "guest/abi/hypercall.inc is not in the test's runfiles";
  std::map<std::string, uint64_t> defines;
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream words(line);
    std::string directive, name, value;
    if (!(words >> directive >> name >> value) || directive != "%define") {
      continue;
    }
    uint64_t number = 0;
    EXPECT_TRUE(absl::SimpleHexAtoi(value, &number) ||
                absl::SimpleAtoi(value, &number))
        << line;
    defines[name] = number;
  }
  return defines;
}

TEST(AbiTest, NasmIncludeMatchesHeader) {
  std::map<std::string, uint64_t> expected = {
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
  };
  EXPECT_EQ(ReadNasmDefines(), expected);
}

TEST(AbiTest, LayoutIsConsistent) {
  EXPECT_EQ(WASP_PORT_EXIT, 0xFA) << "upstream images exit through 0xFA";
  EXPECT_EQ(WASP_DEFAULT_LOAD_ADDRESS, WASP_SYSTEM_AREA_END);
  EXPECT_EQ(WASP_SYSTEM_AREA_START % 4096, 0u);
  EXPECT_EQ(WASP_SYSTEM_AREA_END % 4096, 0u);
  EXPECT_LT(WASP_HC_SNAPSHOT, WASP_HC_MAX);
  EXPECT_EQ(WASP_HC_MAX, 63) << "allowlists are 64-bit masks";
}

}  // namespace
