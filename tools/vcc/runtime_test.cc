// wasp_vcc_call against a stand-in for vcc's guest side
// (testdata/vcc_test_guest.c), in real virtines.
#include "tools/vcc/runtime.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/kvm.h"
#include "tools/vcc/vcc_test_guest_image.h"
// Last: without __VCC__ it defines `virtine` away.
#include "virtine.h"

namespace wasp::vcc {
namespace {

// Twins of testdata/vcc_test_guest.c's.
struct TestArgs {
  int32_t op, a, b;
};
enum Op : int32_t {
  kAdd,
  kUpper,
  kPlusOne,
  kStringUpper,
  kFault,
  kPrint,
  kLongResult,
  kSpin,
  kExit,
};

// A descriptor as the pass emits one. Tests keep theirs static: its state
// lives as long as the process, like a global's.
wasp_vcc_image Describe(const char* name, uint64_t allowlist = ~0ull) {
  const Image image = images::vcc_test_guest();
  return {.name = name,
          .bytes = image.bytes.data(),
          .size = image.bytes.size(),
          .load_address = image.load_address,
          .entry = image.entry,
          .read_only_size = image.read_only_size,
          .memory_bytes = 0,
          .allowlist = allowlist,
          .state = nullptr};
}

wasp_vcc_buffer_ref Ref(void* data, uint64_t count, uint32_t direction,
                        uint64_t element_size = 1) {
  return {.data = data,
          .count = count,
          .element_size = element_size,
          .direction = direction,
          .flags = 0};
}

wasp_vcc_buffer_ref StringRef(const char* s) {
  return {.data = const_cast<char*>(s),
          .direction = WASP_VCC_IN,
          .flags = WASP_VCC_STRING};
}

int64_t CallGuest(wasp_vcc_image& image, TestArgs args,
                  std::vector<wasp_vcc_buffer_ref> buffers = {}) {
  int64_t ret = -1;
  wasp_vcc_call(&image, &args, sizeof args, buffers.data(),
                static_cast<uint32_t>(buffers.size()), &ret, sizeof ret,
                nullptr, 0);
  return ret;
}

// The calls every mode must answer alike.
void ExpectCallsWork(wasp_vcc_image& image) {
  EXPECT_EQ(CallGuest(image, {kAdd, 2, 40}), 42);
  EXPECT_EQ(CallGuest(image, {kAdd, -7, 3}), -4);

  char text[] = "hello, virtine";
  EXPECT_EQ(CallGuest(image, {kUpper},
                      {Ref(text, sizeof text - 1, WASP_VCC_IN | WASP_VCC_OUT)}),
            14);
  EXPECT_STREQ(text, "HELLO, VIRTINE");

  const uint8_t in[3] = {1, 2, 3};
  uint8_t out[3] = {9, 9, 9};
  EXPECT_EQ(CallGuest(image, {kPlusOne},
                      {Ref(const_cast<uint8_t*>(in), 3, 1),
                       Ref(out, 3, WASP_VCC_OUT)}),
            6);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 3);
  EXPECT_EQ(out[2], 4);

  char upper[16] = {};
  EXPECT_EQ(
      CallGuest(image, {kStringUpper},
                {StringRef("string"), Ref(upper, sizeof upper, WASP_VCC_OUT)}),
      6);
  EXPECT_STREQ(upper, "STRING");
}

class RuntimeTest : public testing::KvmTest {
 protected:
  static void SetUpTestSuite() {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(RuntimeTest, ReturnsValuesAndBuffers) {
  static wasp_vcc_image image = Describe("calls");
  ExpectCallsWork(image);
  EXPECT_NE(image.state, nullptr);
}

TEST_F(RuntimeTest, ReturnValueOfFourBytes) {
  static wasp_vcc_image image = Describe("add32");
  TestArgs args{kAdd, 1, 2};
  int32_t ret[2] = {0, 77};
  wasp_vcc_call(&image, &args, sizeof args, nullptr, 0, ret, sizeof ret[0],
                nullptr, 0);
  EXPECT_EQ(ret[0], 3);
  EXPECT_EQ(ret[1], 77);  // nothing past return_length
}

TEST_F(RuntimeTest, WithoutSnapshotsGivesTheSameResults) {
  ASSERT_EQ(setenv("WASP_NO_SNAPSHOT", "1", 1), 0);
  static wasp_vcc_image image = Describe("no_snapshot");
  ExpectCallsWork(image);
  unsetenv("WASP_NO_SNAPSHOT");
  ExpectCallsWork(image);  // the mode is the image's, chosen on first call
}

TEST_F(RuntimeTest, ManyThreadsShareOneImage) {
  static wasp_vcc_image image = Describe("threads");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 50; ++i) {
        if (CallGuest(image, {kAdd, t, i}) != t + i) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST_F(RuntimeTest, ConsoleGoesToStdout) {
  static wasp_vcc_image image = Describe("print");
  ::testing::internal::CaptureStdout();
  CallGuest(image, {kPrint, 7});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("virtine says 7\n"), std::string::npos) << out;
}

TEST_F(RuntimeTest, ConsoleNeedsAllowWriteInAWhitelist) {
  static wasp_vcc_image blocked = Describe("blocked", VIRTINE_BLOCK_ALL);
  static wasp_vcc_image allowed =
      Describe("allowed", VIRTINE_ALLOW_WRITE | VIRTINE_ALLOW_EXIT);
  ::testing::internal::CaptureStdout();
  CallGuest(blocked, {kPrint, 1});
  CallGuest(allowed, {kPrint, 2});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "virtine says 2\n");
  EXPECT_EQ(CallGuest(blocked, {kAdd, 1, 1}), 2);  // calls still work
}

TEST_F(RuntimeTest, DescriptorCountWithoutTableAborts) {
  static wasp_vcc_image image = Describe("descriptors");
  TestArgs args{kAdd, 1, 2};
  int64_t ret = 0;
  EXPECT_DEATH(wasp_vcc_call(&image, &args, sizeof args, nullptr, 0, &ret,
                             sizeof ret, nullptr, 2),
               "'descriptors': the call passed no descriptor table for 2 "
               "descriptors");
}

TEST_F(RuntimeTest, TooLargeArgumentAborts) {
  static wasp_vcc_image image = Describe("big");
  std::vector<uint8_t> data(3000, 1);
  EXPECT_DEATH(CallGuest(image, {kUpper}, {Ref(data.data(), data.size(), 1)}),
               "vcc: virtine function 'big': the arguments \\(12 bytes\\) "
               "and pointer buffers \\(3000 bytes\\) .* over the limit of "
               "WASP_CALL_ARG_MAX \\(2040\\); pass less data");
}

TEST_F(RuntimeTest, FaultAbortsNamingTheFunction) {
  static wasp_vcc_image image = Describe("faulty");
  EXPECT_DEATH(CallGuest(image, {kFault}),
               "vcc: virtine function 'faulty': its virtine faulted: page "
               "fault .* address 0x10");
}

TEST_F(RuntimeTest, NonzeroExitAbortsWithTheCode) {
  static wasp_vcc_image image = Describe("exits");
  EXPECT_DEATH(CallGuest(image, {kExit, 7}),
               "vcc: virtine function 'exits': its virtine exited with code "
               "7 ");
}

TEST_F(RuntimeTest, MalformedResultAborts) {
  static wasp_vcc_image image = Describe("long_result");
  EXPECT_DEATH(CallGuest(image, {kLongResult}),
               "'long_result': the virtine returned 9 result bytes, not the "
               "8 expected");
}

TEST_F(RuntimeTest, BudgetAbortsAndIsConfigurable) {
  static wasp_vcc_image image = Describe("spin");
  EXPECT_DEATH(
      {
        setenv("WASP_VCC_BUDGET_MS", "50", 1);
        CallGuest(image, {kSpin});
      },
      "'spin': its virtine used up its CPU budget of 50 ms; .* raise "
      "WASP_VCC_BUDGET_MS");
}

TEST_F(RuntimeTest, BadBudgetAborts) {
  static wasp_vcc_image image = Describe("budget");
  EXPECT_DEATH(
      {
        setenv("WASP_VCC_BUDGET_MS", "soon", 1);
        CallGuest(image, {kAdd});
      },
      "'budget': WASP_VCC_BUDGET_MS is \"soon\"");
}

TEST_F(RuntimeTest, ImageThatDoesNotLoadAborts) {
  static wasp_vcc_image image = Describe("misplaced");
  image.load_address = 0x1000;  // the system area
  EXPECT_DEATH(CallGuest(image, {kAdd}),
               "'misplaced': cannot start its virtine: ");
}

TEST_F(RuntimeTest, CallReturnsErrorsWithoutAborting) {
  static wasp_vcc_image image = Describe("statuses");
  TestArgs args{kAdd, 1, 2};
  int64_t ret = 0;
  auto bytes = [](const auto& value) {
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&value),
                               sizeof value);
  };
  auto ret_span = absl::MakeSpan(reinterpret_cast<uint8_t*>(&ret), sizeof ret);
  ASSERT_TRUE(Call(image, bytes(args), {}, ret_span).ok());
  EXPECT_EQ(ret, 3);

  const wasp_vcc_buffer_ref null_buffer[] = {Ref(nullptr, 4, WASP_VCC_IN)};
  EXPECT_EQ(Call(image, bytes(args), null_buffer, ret_span).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> huge_ret(WASP_CALL_RESULT_MAX + 1);
  EXPECT_EQ(Call(image, bytes(args), {}, absl::MakeSpan(huge_ret)).code(),
            absl::StatusCode::kOutOfRange);
  args.op = kExit;
  args.a = 3;
  EXPECT_EQ(Call(image, bytes(args), {}, ret_span).code(),
            absl::StatusCode::kAborted);
  args = {kAdd, 5, 6};
  ASSERT_TRUE(Call(image, bytes(args), {}, ret_span).ok());  // still usable
  EXPECT_EQ(ret, 11);
}

// The decisions alone, without virtines.

TEST(ResolveBuffersTest, MeasuresStringsAndMultipliesCounts) {
  int numbers[3];
  const wasp_vcc_buffer_ref refs[] = {
      StringRef("four"), Ref(numbers, 3, WASP_VCC_OUT, sizeof(int)),
      Ref(nullptr, 0, WASP_VCC_IN, 8)};
  auto spans = ResolveBuffers(refs);
  ASSERT_TRUE(spans.ok()) << spans.status();
  ASSERT_EQ(spans->size(), 3u);
  EXPECT_EQ((*spans)[0].length, 5u);  // with its NUL
  EXPECT_EQ((*spans)[0].direction, WASP_VCC_IN);
  EXPECT_EQ((*spans)[1].length, 12u);
  EXPECT_EQ((*spans)[1].data, reinterpret_cast<uint8_t*>(numbers));
  EXPECT_EQ((*spans)[2].length, 0u);
}

TEST(ResolveBuffersTest, RefusesOverflowNullStringsAndUnknownFlags) {
  char byte = 0;
  const wasp_vcc_buffer_ref overflow[] = {
      Ref(&byte, uint64_t{1} << 62, WASP_VCC_IN, 8)};
  EXPECT_EQ(ResolveBuffers(overflow).status().code(),
            absl::StatusCode::kInvalidArgument);
  const wasp_vcc_buffer_ref null_string[] = {StringRef(nullptr)};
  EXPECT_EQ(ResolveBuffers(null_string).status().code(),
            absl::StatusCode::kInvalidArgument);
  wasp_vcc_buffer_ref flagged = Ref(&byte, 1, WASP_VCC_IN);
  flagged.flags = 2;
  EXPECT_EQ(ResolveBuffers({&flagged, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<wasp_vcc_buffer_ref> many(WASP_VCC_MAX_BUFFERS + 1,
                                        Ref(&byte, 1, WASP_VCC_IN));
  EXPECT_EQ(ResolveBuffers(many).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BudgetTest, DefaultsToOneSecondAndParsesMilliseconds) {
  EXPECT_EQ(*BudgetFromEnvironment(nullptr), absl::Seconds(1));
  EXPECT_EQ(*BudgetFromEnvironment(""), absl::Seconds(1));
  EXPECT_EQ(*BudgetFromEnvironment("250"), absl::Milliseconds(250));
  for (const char* bad : {"0", "-5", "1.5", "soon"}) {
    EXPECT_EQ(BudgetFromEnvironment(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(AllowlistTest, WriteFollowsTheUpstreamMask) {
  for (uint64_t mask :
       {~uint64_t{0}, uint64_t{VIRTINE_ALLOW_WRITE}, uint64_t{0}}) {
    HypercallAllowlist allowlist = AllowlistFor(mask);
    EXPECT_TRUE(allowlist.Allows(WASP_HC_SNAPSHOT));
    EXPECT_TRUE(allowlist.Allows(WASP_HC_GET_ARG));
    EXPECT_TRUE(allowlist.Allows(WASP_HC_SET_RESULT));
    EXPECT_FALSE(allowlist.Allows(WASP_HC_RECV));
    EXPECT_EQ(allowlist.Allows(WASP_HC_WRITE), mask != 0) << mask;
  }
  EXPECT_FALSE(AllowlistFor(VIRTINE_ALLOW_READ).Allows(WASP_HC_WRITE));
}

TEST(AllowlistTest, HostFilesOnlyWithAWhitelist) {
  HypercallAllowlist none = AllowlistFor(~uint64_t{0});
  HypercallAllowlist all = AllowlistFor(~uint64_t{0} >> 1);  // ALLOW_ALL
  HypercallAllowlist read = AllowlistFor(VIRTINE_ALLOW_READ);
  for (uint64_t n = WASP_HC_HOST_OPEN; n <= WASP_HC_HOST_LINK; ++n) {
    EXPECT_FALSE(none.Allows(n)) << n;
    EXPECT_TRUE(all.Allows(n)) << n;
    EXPECT_EQ(read.Allows(n), n == WASP_HC_HOST_READ) << n;
  }
  EXPECT_TRUE(all.Allows(WASP_HC_WRITE));
  EXPECT_FALSE(all.Allows(WASP_HC_RECV));
}

TEST(CheckExitTest, OnlyAZeroExitIsSuccess) {
  EXPECT_TRUE(CheckExit(Exit{.reason = ExitReason::Exited}, {}).ok());
  absl::Status code =
      CheckExit(Exit{.reason = ExitReason::Exited, .exit_code = 21}, {});
  EXPECT_NE(code.message().find("code 21"), absl::string_view::npos) << code;
  absl::Status timeout =
      CheckExit(Exit{.reason = ExitReason::Timeout}, absl::Milliseconds(30));
  EXPECT_EQ(timeout.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(timeout.message().find("30 ms"), absl::string_view::npos);
  EXPECT_FALSE(CheckExit(Exit{.reason = ExitReason::Halted}, {}).ok());
  EXPECT_FALSE(CheckExit(Exit{.reason = ExitReason::Fault}, {}).ok());
  EXPECT_FALSE(CheckExit(Exit{.reason = ExitReason::Hypercall}, {}).ok());
}

TEST(FailureLineTest, IsOneLineNamingTheFunction) {
  EXPECT_EQ(FailureLine("f", absl::UnavailableError("a\nb")),
            "vcc: virtine function 'f': a b");
  EXPECT_EQ(FailureLine(nullptr, absl::InternalError("x")),
            "vcc: virtine function '(unnamed)': x");
}

}  // namespace
}  // namespace wasp::vcc
