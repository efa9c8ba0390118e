// Runs libc_selftest.c, a newlib program, in a virtine and checks what it
// printed: formatting, the heap through sbrk up to its end, the clock
// hypercall and the errors of calls a virtine does not offer.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "engine/clock.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "guest/libc/libc_selftest_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 4 << 20;

class LibcTest : public testing::KvmTest {
 protected:
  void SetUp() override {
    testing::KvmTest::SetUp();
    ASSERT_TRUE(table_
                    .Register(WASP_HC_WRITE,
                              [this](Virtine& virtine, const Hypercall& call) {
                                auto bytes = virtine.memory().Translate(
                                    call.args[0], call.args[1]);
                                if (!bytes.ok())
                                  return HypercallResult::Error(WASP_EFAULT);
                                console_.append(bytes->begin(), bytes->end());
                                return HypercallResult::Return(bytes->size());
                              })
                    .ok());
    ASSERT_TRUE(
        table_.Register(WASP_HC_HOST_GETTIMEOFDAY, TimeOfDayHandler()).ok());
    auto virtine = Virtine::Create(kMemory, {.hypercalls = &table_});
    ASSERT_TRUE(virtine.ok()) << virtine.status();
    ASSERT_TRUE((*virtine)->load(images::libc_selftest()).ok());
    auto exit = (*virtine)->run(absl::Now() + absl::Seconds(30));
    ASSERT_TRUE(exit.ok()) << exit.status();
    exit_ = *exit;
  }

  // The value printed after "name: " on its own line; "" if none.
  std::string Line(const std::string& name) const {
    for (absl::string_view line : absl::StrSplit(console_, '\n')) {
      if (absl::ConsumePrefix(&line, name + ": ")) return std::string(line);
    }
    return "";
  }

  HypercallTable table_;
  std::string console_;
  Exit exit_;
};

TEST_F(LibcTest, ExitsWithMainsValueAfterFlushingStdout) {
  EXPECT_EQ(exit_.reason, ExitReason::Exited) << exit_.ToString();
  EXPECT_EQ(exit_.exit_code, 7) << console_;
  EXPECT_TRUE(absl::EndsWith(console_, "done\n")) << console_;
}

TEST_F(LibcTest, PrintfFormatsLikeC) {
  EXPECT_EQ(Line("printf"), "-42 hello  3.14 123456789abc 7 z") << console_;
  EXPECT_EQ(Line("asm"), "42") << console_;
}

TEST_F(LibcTest, ReallocKeepsTheBytes) {
  EXPECT_EQ(Line("realloc"), "virtine 1") << console_;
}

TEST_F(LibcTest, HeapEndsInNullAtTheStackReserveAndRecovers) {
  std::vector<std::string> words = absl::StrSplit(Line("heap"), ' ');
  ASSERT_EQ(words.size(), 3u) << console_;
  int blocks = 0;
  ASSERT_TRUE(absl::SimpleAtoi(words[0], &blocks)) << console_;
  // The heap is memory minus the image and the 256 KiB stack reserve.
  EXPECT_GE(blocks, static_cast<int>((kMemory - (768 << 10)) / (64 << 10)));
  EXPECT_LE(blocks, static_cast<int>((kMemory - (256 << 10)) / (64 << 10)));
  EXPECT_EQ(words[1], "12") << console_;  // ENOMEM
  EXPECT_EQ(words[2], "0") << console_;   // malloc(1 TiB) is NULL
  EXPECT_EQ(Line("heap after free"), "1") << console_;
}

TEST_F(LibcTest, TimeComesFromTheHost) {
  std::vector<std::string> words = absl::StrSplit(Line("time"), ' ');
  ASSERT_EQ(words.size(), 3u) << console_;
  EXPECT_EQ(words[0], "0") << console_;
  int64_t now = absl::ToUnixSeconds(absl::Now());
  for (int i = 1; i <= 2; ++i) {
    int64_t seconds = 0;
    ASSERT_TRUE(absl::SimpleAtoi(words[i], &seconds)) << console_;
    EXPECT_NEAR(seconds, now, 60) << console_;
  }
  EXPECT_EQ(Line("time at 0x10"), "-14") << console_;  // -WASP_EFAULT
}

TEST_F(LibcTest, UnsupportedCallsFailWithErrno) {
  EXPECT_EQ(Line("open"), "-1 Function not implemented") << console_;
  EXPECT_EQ(Line("read"), "-1 Function not implemented") << console_;
  EXPECT_EQ(Line("read 7"), "-1 Bad file number") << console_;
  EXPECT_EQ(Line("write 5"), "-1 Bad file number") << console_;
  EXPECT_EQ(Line("fstat 5"), "-1 Bad file number") << console_;
  EXPECT_EQ(Line("lseek 1"), "-1 Illegal seek") << console_;
  EXPECT_EQ(Line("close 9"), "-1 Bad file number") << console_;
  EXPECT_EQ(Line("kill"), "-1 Function not implemented") << console_;
  EXPECT_EQ(Line("isatty 4"), "0 Bad file number") << console_;
  EXPECT_EQ(Line("isatty 1"), "1 Success") << console_;
  EXPECT_EQ(Line("fopen"), "0 Function not implemented") << console_;
}

}  // namespace
}  // namespace wasp
