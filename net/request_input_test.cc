#include "net/request_input.h"

#include <string>

#include "gtest/gtest.h"

namespace wasp {
namespace {

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()),
                             s.size());
}

std::string Kept(const PendingInput& input) {
  return std::string(reinterpret_cast<const char*>(input.bytes().data()),
                     input.size());
}

RunResult Answered(size_t consumed, uint32_t wake_byte = WASP_WAKE_ANY,
                   uint64_t skip = 0, bool output = true) {
  RunResult r{.outcome = RunResult::Outcome::kAnswered,
              .consumed = consumed,
              .skip = skip,
              .wake_byte = wake_byte};
  static char byte = 'x';
  if (output) r.output.push_back({&byte, 1});
  return r;
}

TEST(PendingInputTest, AnyByteMakesARunDueAndNothingIsKeptAfterIt) {
  PendingInput input;
  EXPECT_FALSE(input.Due(100));
  input.Add(Bytes("hello"));
  EXPECT_TRUE(input.Due(100));
  EXPECT_EQ(Kept(input), "hello");
  input.AfterRun(Answered(5));
  EXPECT_TRUE(input.empty());
  EXPECT_FALSE(input.Due(100));
}

TEST(PendingInputTest, AWakeByteHoldsRunsUntilItArrives) {
  PendingInput input;
  input.Add(Bytes("GET / HT"));
  input.AfterRun(Answered(0, '\n', 0, false));
  EXPECT_EQ(Kept(input), "GET / HT");
  input.Add(Bytes("TP/1.1\r"));
  EXPECT_FALSE(input.Due(100)) << "no line ended yet";
  input.Add(Bytes("\nHost"));
  EXPECT_TRUE(input.Due(100));
  EXPECT_EQ(Kept(input), "GET / HTTP/1.1\r\nHost");
}

TEST(PendingInputTest, LeftoverOfAProgressingRunIsDueAtOnce) {
  PendingInput input;
  std::string two = "AAAABBBB";
  input.Add(Bytes(two));
  // The run answered the first request only (its output was full).
  input.AfterRun(Answered(4));
  EXPECT_EQ(Kept(input), "BBBB");
  EXPECT_TRUE(input.Due(100));
}

TEST(PendingInputTest, ARunWithoutProgressWaitsForNewBytes) {
  PendingInput input;
  input.Add(Bytes("abc"));
  input.AfterRun(Answered(0, WASP_WAKE_ANY, 0, false));
  EXPECT_FALSE(input.Due(100)) << "running again could only spin";
  input.Add(Bytes("d"));
  EXPECT_TRUE(input.Due(100));
}

TEST(PendingInputTest, SkipDropsBodyBytesNowAndLater) {
  PendingInput input;
  std::string data = "HEAD12";
  input.Add(Bytes(data));
  // Consumed the head, 5 body bytes to discard: 2 here, 3 still to come.
  input.AfterRun(Answered(4, WASP_WAKE_ANY, 5));
  EXPECT_TRUE(input.empty());
  EXPECT_EQ(input.skip(), 3u);
  input.Add(Bytes("34"));
  EXPECT_TRUE(input.empty());
  EXPECT_FALSE(input.Due(100));
  input.Add(Bytes("5NEXT"));
  EXPECT_EQ(Kept(input), "NEXT");
  EXPECT_EQ(input.skip(), 0u);
}

TEST(PendingInputTest, WakeLenWaitsForEnoughBytes) {
  PendingInput input;
  input.Add(Bytes("ab"));
  RunResult r = Answered(0, WASP_WAKE_ANY, 0, false);
  r.wake_len = 4;
  input.AfterRun(r);
  input.Add(Bytes("c"));
  EXPECT_FALSE(input.Due(100));
  input.Add(Bytes("d"));
  EXPECT_TRUE(input.Due(100));
}

TEST(PendingInputTest, AFullInputIsDueOrStuck) {
  PendingInput input;
  input.Add(Bytes("abcd"));
  EXPECT_EQ(input.Room(4), 0u);
  EXPECT_TRUE(input.Due(4));
  input.AfterRun(Answered(0, '\n', 0, false));
  EXPECT_TRUE(input.Stuck(4)) << "full, and the app made no progress";
  EXPECT_FALSE(input.Due(4));
}

}  // namespace
}  // namespace wasp
