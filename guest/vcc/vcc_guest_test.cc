// Runs libvcc_guest in virtines: the C library's self-test in each of its
// modes, and vcc_main.c's call ABI (guest/abi/vcc_call.h) with a sample
// function, built from sources and linked from the archive as vcc links.
#include <cstring>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "engine/cache.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/abi/vcc_call.h"
#include "guest/vcc/vcc_libc_selftest_image.h"
#include "guest/vcc/vcc_sample_entry.h"
#include "guest/vcc/vcc_sample_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

// A hypercall table whose console appends to a string.
class Console {
 public:
  Console() {
    absl::Status status = table_.Register(
        WASP_HC_WRITE, [this](Virtine& virtine, const Hypercall& call) {
          auto bytes = virtine.memory().Translate(call.args[0], call.args[1]);
          if (!bytes.ok()) return HypercallResult::Error(WASP_EFAULT);
          text_.append(bytes->begin(), bytes->end());
          return HypercallResult::Return(bytes->size());
        });
    EXPECT_TRUE(status.ok()) << status;
  }

  const HypercallTable* table() const { return &table_; }
  std::string Take() { return std::exchange(text_, ""); }

 private:
  HypercallTable table_;
  std::string text_;
};

class VccLibcTest : public testing::KvmTest {
 protected:
  // Runs the self-test in `mode` in a fresh virtine, which may make the
  // hypercalls vcc allows a function without virtine_whitelist.
  CallResult Run(const std::string& mode) {
    auto virtine =
        Virtine::Create(1 << 20, {.hypercalls = console_.table(),
                                  .allowlist = HypercallAllowlist::Of(
                                      {WASP_HC_WRITE, WASP_HC_GET_ARG,
                                       WASP_HC_SET_RESULT, WASP_HC_SNAPSHOT})});
    EXPECT_TRUE(virtine.ok()) << virtine.status();
    if (!virtine.ok()) return {};
    EXPECT_TRUE((*virtine)->load(images::vcc_libc_selftest()).ok());
    std::vector<uint8_t> arg(mode.begin(), mode.end());
    auto result = (*virtine)->call(arg, absl::Now() + absl::Seconds(30));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->exit.reason, ExitReason::Exited)
        << result->exit.ToString();
    return *result;
  }

  Console console_;
};

TEST_F(VccLibcTest, EveryCheckPassesAndTheConsoleShowsEachWriter) {
  CallResult result = Run("");
  EXPECT_EQ(result.exit.exit_code, 0);
  EXPECT_EQ(console_.Take(),
            "printf 42 str 2.50 1e-05\n"
            "puts\n"
            "p\n"
            "fputs\n"
            "c\n"
            "fwrite\n"
            "stderr 1.234560e+02\n"
            "write 1\n"
            "write 2\n"
            "vprintf ok\n"
            "u\n"
            "perror: Bad file descriptor\n"
            "__printf_chk 7\n"
            "__fprintf_chk ok\n"
            "vprintf fortified\n"
            "PASSED: 0 failures\n");
}

TEST_F(VccLibcTest, AbortExitsWith134) {
  EXPECT_EQ(Run("abort").exit.exit_code, WASP_VCC_EXIT_ABORT);
  EXPECT_EQ(console_.Take(), "");
}

TEST_F(VccLibcTest, AssertPrintsGlibcsMessageAndAborts) {
  EXPECT_EQ(Run("assert").exit.exit_code, WASP_VCC_EXIT_ABORT);
  std::string console = console_.Take();
  EXPECT_TRUE(std::regex_match(
      console,
      std::regex("virtine: guest/vcc/vcc_libc_selftest\\.c:[0-9]+: run_mode: "
                 "Assertion `strcmp\\(mode, \"assert\"\\) != 0' failed\\.\n")))
      << console;
}

TEST_F(VccLibcTest, ExitRunsAtexitHandlersAndKeepsTheLowByte) {
  EXPECT_EQ(Run("exit").exit.exit_code, 300 & 0xFF);
  EXPECT_EQ(console_.Take(),
            "atexit: registered second\natexit: registered first\n");
  EXPECT_EQ(Run("_exit").exit.exit_code, 7);
  EXPECT_EQ(console_.Take(), "");
}

TEST_F(VccLibcTest, FortifyAndStackChecksAbortWithGlibcsMessages) {
  EXPECT_EQ(Run("chk").exit.exit_code, WASP_VCC_EXIT_ABORT);
  EXPECT_EQ(console_.Take(), "*** buffer overflow detected ***: terminated\n");
  EXPECT_EQ(Run("stack").exit.exit_code, WASP_VCC_EXIT_ABORT);
  EXPECT_EQ(console_.Take(), "*** stack smashing detected ***: terminated\n");
}

// The bytes of one call of the sample function, built as the host side of
// vcc builds them; tests break them to see each check.
struct SampleCall {
  wasp_vcc_header header{.magic = WASP_VCC_MAGIC,
                         .buffer_count = VCC_SAMPLE_BUFFERS,
                         .args_offset = 80,
                         .args_length = sizeof(vcc_sample_args),
                         .return_length = sizeof(int32_t)};
  wasp_vcc_buffer buffers[VCC_SAMPLE_BUFFERS] = {
      {.offset = 96, .length = 11, .direction = WASP_VCC_IN | WASP_VCC_OUT},
      {.offset = 112, .length = 4, .direction = WASP_VCC_IN},
      {.offset = 128, .length = 8, .direction = WASP_VCC_OUT},
  };
  vcc_sample_args args{.a = 6, .b = 7, .text_len = 11};
  std::string text = "hello world";
  int32_t c = 3;
  uint32_t arg_len = 136;

  std::vector<uint8_t> Bytes() const {
    std::vector<uint8_t> bytes(arg_len);
    Put(bytes, 0, &header, sizeof header);
    Put(bytes, sizeof header, buffers, sizeof buffers);
    Put(bytes, 80, &args, sizeof args);
    Put(bytes, 96, text.data(), text.size());
    Put(bytes, 112, &c, sizeof c);
    return bytes;
  }

  static void Put(std::vector<uint8_t>& bytes, size_t offset, const void* data,
                  size_t size) {
    if (offset + size <= bytes.size()) {
      std::memcpy(bytes.data() + offset, data, size);
    }
  }
};

// The sample, from sources (virtine_image) or linked from the archive.
enum class SampleBuild { kSources, kArchive };

class VccMainTest : public testing::KvmTest,
                    public ::testing::WithParamInterface<SampleBuild> {
 protected:
  void SetUp() override {
    testing::KvmTest::SetUp();
    CacheOptions options;
    options.virtine.hypercalls = console_.table();
    cache_ = std::make_unique<Cache>(1 << 20, options);
    absl::Status loaded =
        GetParam() == SampleBuild::kSources
            ? cache_->load(images::vcc_sample())
            : cache_->load_binary("guest/vcc/vcc_sample_from_archive.bin",
                                  WASP_DEFAULT_LOAD_ADDRESS);
    ASSERT_TRUE(loaded.ok()) << loaded;
    ASSERT_EQ(cache_->load_stop().reason, ExitReason::Hypercall)
        << "the guest took no snapshot: " << cache_->load_stop().ToString();
  }

  CallResult Call(const std::vector<uint8_t>& arg) {
    auto result = cache_->call(arg, absl::Seconds(10));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->exit.reason, ExitReason::Exited)
        << result->exit.ToString();
    return *result;
  }

  // The exit code of a call that must be refused before the function runs.
  int64_t Refused(const SampleCall& call) {
    CallResult result = Call(call.Bytes());
    EXPECT_EQ(console_.Take(), "") << "the function ran";
    EXPECT_TRUE(result.result.empty());
    return result.exit.exit_code;
  }

  Console console_;
  std::unique_ptr<Cache> cache_;
};

TEST_P(VccMainTest, ReturnsTheValueThenTheOutBuffers) {
  for (int32_t a : {6, -100, 2000000}) {
    SampleCall call;
    call.args.a = a;
    CallResult result = Call(call.Bytes());
    ASSERT_EQ(result.exit.exit_code, 0);
    ASSERT_EQ(result.result.size(), 4u + 11u + 8u);
    int32_t sum;
    int64_t product;
    std::memcpy(&sum, result.result.data(), 4);
    std::string text(result.result.begin() + 4, result.result.begin() + 15);
    std::memcpy(&product, result.result.data() + 15, 8);
    EXPECT_EQ(sum, a + 7);
    EXPECT_EQ(text, "HELLO WORLD");
    EXPECT_EQ(product, int64_t{a} * 7 * 3) << "-1: misaligned or not zeroed";
    EXPECT_EQ(console_.Take(), "sum=" + std::to_string(a + 7) + "\n");
  }
}

TEST_P(VccMainTest, RefusesAMalformedHeader) {
  SampleCall call;
  call.arg_len = 10;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_SHORT_ARGUMENT);
  call = SampleCall();
  call.arg_len = 60;  // the header, but not all of its buffer table
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_SHORT_ARGUMENT);
  call = SampleCall();
  call.header.magic = 0x32636376;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_BAD_MAGIC);
  call = SampleCall();
  call.header.reserved = 1;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_BAD_HEADER);
  call = SampleCall();
  call.header.buffer_count = WASP_VCC_MAX_BUFFERS + 1;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_TOO_MANY_BUFFERS);
  call = SampleCall();
  call.header.return_length = WASP_CALL_RESULT_MAX + 1;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_RESULT_TOO_LARGE);
}

TEST_P(VccMainTest, RefusesArgsOutsideTheArgumentOrUnaligned) {
  for (auto [offset, length] : std::vector<std::pair<uint32_t, uint32_t>>{
           {88, 12}, {128, 12}, {144, 0}, {0xFFFFFFF0u, 0x20}}) {
    SampleCall call;
    call.header.args_offset = offset;
    call.header.args_length = length;
    EXPECT_EQ(Refused(call), WASP_VCC_EXIT_BAD_ARGS) << offset;
  }
}

TEST_P(VccMainTest, RefusesABadBuffer) {
  struct Case {
    uint32_t offset, length, direction, reserved;
  };
  for (Case bad : std::vector<Case>{
           {100, 4, WASP_VCC_IN, 0},             // unaligned
           {128, 16, WASP_VCC_IN, 0},            // past the end
           {0xFFFFFFF0u, 0x20, WASP_VCC_IN, 0},  // wraps around
           {112, 4, 4, 0},                       // unknown direction
           {112, 4, WASP_VCC_IN, 1},             // reserved
       }) {
    SampleCall call;
    call.buffers[VCC_SAMPLE_C] = {bad.offset, bad.length, bad.direction,
                                  bad.reserved};
    EXPECT_EQ(Refused(call), WASP_VCC_EXIT_BAD_BUFFER) << bad.offset;
  }
}

TEST_P(VccMainTest, RefusesResultsLargerThanTheArea) {
  SampleCall call;
  // 4 + 11 + 8 bytes fit; 2030 + 11 + 8 do not.
  call.header.return_length = WASP_CALL_RESULT_MAX - 18;
  EXPECT_EQ(Refused(call), WASP_VCC_EXIT_RESULT_TOO_LARGE);
  call.header.return_length = WASP_CALL_RESULT_MAX - 19;
  CallResult fits = Call(call.Bytes());
  EXPECT_EQ(fits.exit.exit_code, 0);
  EXPECT_EQ(fits.result.size(), size_t{WASP_CALL_RESULT_MAX});
  console_.Take();
}

INSTANTIATE_TEST_SUITE_P(Builds, VccMainTest,
                         ::testing::Values(SampleBuild::kSources,
                                           SampleBuild::kArchive),
                         [](const auto& info) {
                           return info.param == SampleBuild::kSources
                                      ? "Sources"
                                      : "Archive";
                         });

}  // namespace
}  // namespace wasp
