#include "tools/common/json_number.h"

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(JsonNumberTest, FindsKeysInAndOutOfScopes) {
  std::string json = R"({"requests_per_sec":1234.5,"errors":{"total":3},)"
                     R"("latency_us":{"p50":80,"p99":410.25}})";
  EXPECT_DOUBLE_EQ(JsonNumber(json, "requests_per_sec"), 1234.5);
  EXPECT_DOUBLE_EQ(JsonNumber(json, "total", "errors"), 3);
  EXPECT_DOUBLE_EQ(JsonNumber(json, "p99", "latency_us"), 410.25);
  EXPECT_EQ(JsonNumber(json, "p999", "latency_us"), -1);
  EXPECT_EQ(JsonNumber(json, "total", "nowhere"), -1);
  EXPECT_EQ(JsonNumber(R"({"a":"text"})", "a"), -1);
}

}  // namespace
}  // namespace wasp
