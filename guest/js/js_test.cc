// Duktape in a virtine: scripts run per call from the snapshot taken after
// the engine started, return their value, are stopped by the CPU budget and
// the memory limit, and leave nothing behind for the next call.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/cache.h"
#include "engine/clock.h"
#include "engine/console.h"
#include "gtest/gtest.h"
#include "guest/js/js_call.h"
#include "guest/js/js_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 16 << 20;

struct ScriptResult {
  Exit exit;
  std::string value;
};

class JsTest : public testing::KvmTest,
               public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    testing::KvmTest::SetUp();
    ASSERT_TRUE(table_.Register(WASP_HC_WRITE, ConsoleWriteHandler(2)).ok());
    ASSERT_TRUE(
        table_.Register(WASP_HC_HOST_GETTIMEOFDAY, TimeOfDayHandler()).ok());
    CacheOptions options{
        .virtine = {.snapshots = GetParam(), .hypercalls = &table_},
        .max_virtines = 1};
    cache_ = std::make_unique<Cache>(kMemory, options);
    ASSERT_TRUE(cache_->load(images::js()).ok());
    // No host call before the snapshot (duktape_guest.c), else the cache
    // would start every call from boot.
    ASSERT_EQ(cache_->load_stop().reason, ExitReason::Hypercall)
        << cache_->load_stop().ToString();
    ASSERT_EQ(cache_->load_stop().hypercall.number, WASP_HC_SNAPSHOT)
        << "initialisation stopped before its snapshot: "
        << cache_->load_stop().ToString();
  }

  ScriptResult Run(const std::string& script, uint8_t flags = 0,
                   absl::Duration budget = absl::Seconds(10)) {
    std::vector<uint8_t> arg = {flags};
    arg.insert(arg.end(), script.begin(), script.end());
    auto result = cache_->call(arg, budget);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    return {result->exit,
            std::string(result->result.begin(), result->result.end())};
  }

  HypercallTable table_;
  std::unique_ptr<Cache> cache_;
};

std::string ReadTestJs() {
  std::ifstream file("guest/js/test.js");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST_P(JsTest, TestJsReturnsTheBase64OfHelloThere) {
  const std::string script = ReadTestJs();
  ASSERT_TRUE(absl::StrContains(script, "hcall_return")) << "no test.js";
  for (uint8_t flags : {0, JS_CALL_TEARDOWN}) {
    ScriptResult result = Run(script, flags);
    EXPECT_EQ(result.exit.reason, ExitReason::Exited) << result.exit.ToString();
    EXPECT_EQ(result.exit.exit_code, 0) << result.value;
    EXPECT_EQ(result.value, "SGVsbG8gVGhlcmU=");
  }
}

TEST_P(JsTest, CompletionValueWithoutHcallReturn) {
  ScriptResult result = Run("[1, 2, 3].map(function (x) { return x * x; })");
  EXPECT_EQ(result.exit.exit_code, 0);
  EXPECT_EQ(result.value, "1,4,9");
  EXPECT_EQ(Run("Math.sqrt(2)").value, "1.4142135623730951");
  EXPECT_EQ(Run("JSON.stringify({a: [1, 2.5]})").value, R"({"a":[1,2.5]})");
}

TEST_P(JsTest, AThrowingScriptExitsWithOneAndTheError) {
  ScriptResult result = Run("throw new TypeError('boom')");
  EXPECT_EQ(result.exit.reason, ExitReason::Exited) << result.exit.ToString();
  EXPECT_EQ(result.exit.exit_code, 1);
  EXPECT_EQ(result.value, "TypeError: boom");
}

TEST_P(JsTest, DateComesFromTheHostClock) {
  ScriptResult result = Run("String(Math.floor(Date.now() / 1000))");
  int64_t now = absl::ToUnixSeconds(absl::Now());
  EXPECT_NEAR(std::stoll(result.value), now, 60) << result.value;
}

TEST_P(JsTest, AnEndlessLoopIsStoppedByTheBudgetAndTheNextCallIsClean) {
  ScriptResult loop = Run("for (;;) {}", 0, absl::Milliseconds(300));
  EXPECT_EQ(loop.exit.reason, ExitReason::Timeout) << loop.exit.ToString();
  EXPECT_EQ(Run("1 + 1").value, "2");
}

TEST_P(JsTest, EndlessAllocationIsStoppedByTheMemoryLimit) {
  ScriptResult bomb =
      Run("var keep = [], s = 'x'; for (;;) { s = s + s; keep.push(s); }", 0,
          absl::Seconds(30));
  // malloc returns NULL at the stack reserve: Duktape throws, the script
  // ends with the error (not a fault, not the budget).
  EXPECT_EQ(bomb.exit.reason, ExitReason::Exited) << bomb.exit.ToString();
  EXPECT_EQ(bomb.exit.exit_code, 1) << bomb.value;
  EXPECT_TRUE(absl::StrContains(bomb.value, "alloc failed")) << bomb.value;
  EXPECT_EQ(Run("'still ' + 'here'").value, "still here");
}

TEST_P(JsTest, AGlobalOfOneCallIsInvisibleToTheNext) {
  EXPECT_EQ(Run("this.leak = 42; hcall_return('set')").value, "set");
  EXPECT_EQ(Run("typeof leak").value, "undefined");
  EXPECT_EQ(Run("Math.answer = 42; 'set'").value, "set");
  EXPECT_EQ(Run("typeof Math.answer").value, "undefined");
}

INSTANTIATE_TEST_SUITE_P(SnapshotsAndBoots, JsTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "FromSnapshot" : "FromBoot";
                         });

}  // namespace
}  // namespace wasp
