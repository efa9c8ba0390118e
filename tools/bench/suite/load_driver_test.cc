#include "tools/bench/suite/load_driver.h"

#include "gtest/gtest.h"

namespace wasp::bench {
namespace {

constexpr char kWrk[] =
    "Running 1s test @ http://127.0.0.1:8080/small.html\n"
    "  1 threads and 8 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency   120.50us   30.00us   1.20ms   90.00%\n"
    "  Latency Distribution\n"
    "     50%  110.00us\n"
    "     75%  130.00us\n"
    "     90%  150.00us\n"
    "     99%    1.50ms\n"
    "  65000 requests in 1.00s, 10.00MB read\n"
    "  Socket errors: connect 1, read 2, write 0, timeout 3\n"
    "  Non-2xx or 3xx responses: 4\n"
    "Requests/sec:  65000.50\n"
    "Transfer/sec:     10.00MB\n";

TEST(ParseWrkTest, RateLatencyAndErrors) {
  LoadResult result = ParseWrk(kWrk);
  EXPECT_DOUBLE_EQ(*result.requests_per_sec, 65000.5);
  EXPECT_DOUBLE_EQ(*result.p50_us, 110);
  EXPECT_DOUBLE_EQ(*result.p99_us, 1500);
  EXPECT_DOUBLE_EQ(*result.errors, 10);
}

TEST(ParseWrkTest, NoRequestsNoLatency) {
  LoadResult result = ParseWrk(
      "     50%    0.00us\n     99%    0.00us\n  0 requests in 1.00s, 0B "
      "read\nRequests/sec:      0.00\n");
  EXPECT_DOUBLE_EQ(*result.requests_per_sec, 0);
  EXPECT_FALSE(result.p50_us.has_value());
  EXPECT_FALSE(ParseWrk("").requests_per_sec.has_value());
}

TEST(ParseWaspLoadJsonTest, NamedFields) {
  LoadResult result = ParseWaspLoadJson(
      "{\"target\":\"x\",\"errors\":{\"connect\":1,\"total\":3},"
      "\"requests_per_sec\":1234.5,\"latency_us\":{\"p50\":100,\"p90\":150,"
      "\"p99\":900}}");
  EXPECT_DOUBLE_EQ(*result.requests_per_sec, 1234.5);
  EXPECT_DOUBLE_EQ(*result.p50_us, 100);
  EXPECT_DOUBLE_EQ(*result.p99_us, 900);
  EXPECT_DOUBLE_EQ(*result.errors, 3);
  EXPECT_FALSE(ParseWaspLoadJson("{}").requests_per_sec.has_value());
}

TEST(LoadArgvTest, WaspLoadPinsWithItsOwnFlag) {
  LoadSpec spec{.tool = "wasp-load",
                .url = "tcp://127.0.0.1:9",
                .connections = 1,
                .threads = 2,
                .cpus = "0,1",
                .duration_s = 3,
                .keepalive = false,
                .payload_bytes = 64};
  absl::StatusOr<std::vector<std::string>> argv =
      LoadArgv(spec, {.wasp_load = "/b/wasp-load"});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(*argv,
            (std::vector<std::string>{
                "/b/wasp-load", "--json", "--connections=1", "--threads=1",
                "--cpus=0,1", "--duration=3s", "--keepalive=false",
                "--payload=64", "tcp://127.0.0.1:9"}));
}

TEST(LoadArgvTest, WrkUnderTasksetWithTheCloseScript) {
  LoadSpec spec{.tool = "wrk",
                .url = "http://127.0.0.1:9/small.html",
                .connections = 8,
                .cpus = "1",
                .duration_s = 1,
                .keepalive = false};
  absl::StatusOr<std::vector<std::string>> argv =
      LoadArgv(spec, {.wrk = "/usr/bin/wrk", .wrk_close_script = "c.lua"});
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(*argv, (std::vector<std::string>{
                       "/usr/bin/taskset", "-c", "1", "/usr/bin/wrk", "-t1",
                       "-c8", "-d1s", "--latency", "--timeout", "10s", "-s",
                       "c.lua", "http://127.0.0.1:9/small.html"}));
  spec.url = "tcp://127.0.0.1:9";
  EXPECT_FALSE(LoadArgv(spec, {}).ok());
  spec.tool = "ab";
  EXPECT_FALSE(LoadArgv(spec, {}).ok());
}

}  // namespace
}  // namespace wasp::bench
