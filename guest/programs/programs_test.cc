// The guest programs, run as a host runs them: calls through the engine with
// each reset strategy, and the isolation check with `secret`.
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/console.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/programs/fib_image.h"
#include "guest/programs/hello_image.h"
#include "guest/programs/secret.h"
#include "guest/programs/secret_image.h"
#include "guest/programs/square_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

std::vector<uint8_t> Int64(int64_t value) {
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

int64_t AsInt64(const std::vector<uint8_t>& bytes) {
  EXPECT_EQ(bytes.size(), 8u);
  int64_t value = 0;
  std::memcpy(&value, bytes.data(), std::min<size_t>(8, bytes.size()));
  return value;
}

class ProgramsTest : public testing::KvmTest,
                     public ::testing::WithParamInterface<ResetKind> {
 protected:
  std::unique_ptr<Virtine> Boot(const Image& image) {
    auto virtine = Virtine::Create(1 << 20, {.reset = GetParam()});
    EXPECT_TRUE(virtine.ok()) << virtine.status();
    if (!virtine.ok()) return nullptr;
    EXPECT_TRUE((*virtine)->load(image).ok());
    return std::move(*virtine);
  }

  CallResult Call(Virtine& virtine, const std::vector<uint8_t>& arg) {
    auto result = virtine.call(arg, absl::Now() + absl::Seconds(20));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CallResult{};
  }
};

TEST_P(ProgramsTest, SquareAnswersEveryCallInOneExit) {
  auto virtine = Boot(images::square());
  ASSERT_NE(virtine, nullptr);
  for (int64_t x : {7ll, -3ll, 3037000499ll, 0ll}) {
    uint64_t exits = virtine->stats().exits;
    CallResult result = Call(*virtine, Int64(x));
    ASSERT_EQ(result.exit.reason, ExitReason::Exited) << result.exit.ToString();
    EXPECT_EQ(result.exit.exit_code, 0);
    EXPECT_EQ(AsInt64(result.result), x * x);
    if (x != 7) {
      EXPECT_EQ(virtine->stats().exits - exits, 1u);
    }
    ASSERT_TRUE(virtine->reset().ok());
  }
  CallResult short_arg = Call(*virtine, {1, 2, 3});
  EXPECT_EQ(short_arg.exit.exit_code, 1);
  EXPECT_TRUE(short_arg.result.empty());
  EXPECT_EQ(virtine->stats().snapshots, 1u);
}

TEST_P(ProgramsTest, FibComputesTheSequence) {
  auto virtine = Boot(images::fib());
  ASSERT_NE(virtine, nullptr);
  const int64_t expected[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
  for (int n = 0; n <= 10; ++n) {
    EXPECT_EQ(AsInt64(Call(*virtine, Int64(n)).result), expected[n]) << n;
    ASSERT_TRUE(virtine->reset().ok());
  }
  EXPECT_EQ(AsInt64(Call(*virtine, Int64(25)).result), 75025);
}

std::vector<uint8_t> SecretArg(char mode, const uint8_t* secret) {
  std::vector<uint8_t> arg(1 + SECRET_SIZE);
  arg[0] = static_cast<uint8_t>(mode);
  std::memcpy(arg.data() + 1, secret, SECRET_SIZE);
  return arg;
}

secret_report Report(const CallResult& result) {
  secret_report report{};
  EXPECT_EQ(result.exit.reason, ExitReason::Exited) << result.exit.ToString();
  EXPECT_EQ(result.exit.exit_code, 0);
  EXPECT_EQ(result.result.size(), sizeof report);
  std::memcpy(&report, result.result.data(),
              std::min(sizeof report, result.result.size()));
  return report;
}

// One call leaves a secret in memory, general and SSE registers, MXCSR and
// the x87 control word; the next call on the same virtine finds none of it.
TEST_P(ProgramsTest, NothingOfOneCallReachesTheNext) {
  auto virtine = Boot(images::secret());
  ASSERT_NE(virtine, nullptr);
  const uint8_t secret[SECRET_SIZE] = {0x5a, 0xc3, 0x96, 0x69, 0xf0, 0x0f,
                                       0xa5, 0x3c, 0xe1, 0x1e, 0xd2, 0x2d,
                                       0xb4, 0x4b, 0x87, 0x78};
  secret_report before = Report(Call(*virtine, SecretArg('r', secret)));
  EXPECT_EQ(before.found_in_memory, 0);
  ASSERT_TRUE(virtine->reset().ok());

  CallResult write = Call(*virtine, SecretArg('w', secret));
  ASSERT_EQ(write.exit.reason, ExitReason::Exited) << write.exit.ToString();
  uint64_t low, high;
  std::memcpy(&low, secret, 8);
  std::memcpy(&high, secret + 8, 8);
  // Without a reset the secret is still there: the probe can see it.
  EXPECT_EQ(virtine->regs().r14, low);
  EXPECT_EQ(virtine->regs().rbx, high);
  ASSERT_TRUE(virtine->reset().ok());

  secret_report after = Report(Call(*virtine, SecretArg('r', secret)));
  EXPECT_EQ(after.found_in_memory, 0);
  for (int i = 0; i < SECRET_GPR_COUNT; ++i) {
    uint64_t expected =
        i == SECRET_RDI || i == SECRET_RSI ? 0 : SECRET_GPR_VALUE(i);
    EXPECT_EQ(after.gprs[i], expected) << "register " << i;
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      ASSERT_EQ(after.xmm[i][j], SECRET_XMM_VALUE(i, j)) << "xmm" << i;
    }
  }
  EXPECT_EQ(after.mxcsr, 0x1f80u);
  EXPECT_EQ(after.fcw, 0x037fu);
}

TEST_P(ProgramsTest, SecretScannerFindsWhatIsThere) {
  auto virtine = Boot(images::secret());
  ASSERT_NE(virtine, nullptr);
  // 16 bytes the program keeps in writable memory: the runtime's first free
  // heap block header, on the page after the image (its .bss is small).
  Image image = images::secret();
  uint64_t heap_start =
      (image.load_address + image.bytes.size() + 0xFFF) & ~uint64_t{0xFFF};
  auto header = virtine->memory().Translate(heap_start, 16);
  ASSERT_TRUE(header.ok());
  uint8_t known[SECRET_SIZE];
  std::memcpy(known, header->data(), SECRET_SIZE);
  secret_report report = Report(Call(*virtine, SecretArg('r', known)));
  EXPECT_EQ(report.found_in_memory, 1) << "the scan must find known memory";
}

TEST_P(ProgramsTest, HelloGreets) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  HypercallTable table;
  ASSERT_TRUE(table.Register(WASP_HC_WRITE, ConsoleWriteHandler(fds[1])).ok());
  auto virtine = Virtine::Create(1 << 20, {.hypercalls = &table});
  ASSERT_TRUE(virtine.ok());
  ASSERT_TRUE((*virtine)->load(images::hello()).ok());
  auto exit = (*virtine)->run();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->reason, ExitReason::Exited);
  EXPECT_EQ(exit->exit_code, 0);
  char buffer[128] = {};
  ssize_t n = ::read(fds[0], buffer, sizeof buffer - 1);
  EXPECT_EQ(std::string(buffer, n > 0 ? n : 0),
            "Hello from a virtine: 64-bit code at CPL3 in its own KVM VM.\n");
  ::close(fds[0]);
  ::close(fds[1]);
}

INSTANTIATE_TEST_SUITE_P(Strategies, ProgramsTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         [](const auto& info) {
                           return std::string(ResetKindName(info.param)) ==
                                          "copy"
                                      ? std::string("Copy")
                                      : std::string("DirtyLog");
                         });

}  // namespace
}  // namespace wasp
