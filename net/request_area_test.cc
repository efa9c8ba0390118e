#include "net/request_area.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace wasp {
namespace {

// Guest memory of 4 KiB at address 0x1000.
class RequestAreaTest : public ::testing::Test {
 protected:
  RunResult Decode(int64_t exit_code = 0, size_t input_length = 100) {
    return DecodeRequestArea(
        area_, exit_code, input_length,
        [this](uint64_t address,
               uint64_t length) -> absl::StatusOr<absl::Span<const uint8_t>> {
          if (address < 0x1000 || length > memory_.size() ||
              address - 0x1000 > memory_.size() - length) {
            return absl::OutOfRangeError("outside guest memory");
          }
          return absl::MakeConstSpan(memory_).subspan(address - 0x1000, length);
        });
  }

  std::vector<uint8_t> memory_ = std::vector<uint8_t>(4096, 7);
  wasp_request_area area_ = {};
};

TEST_F(RequestAreaTest, DecodesEveryField) {
  area_.consumed = 40;
  area_.skip = 12;
  area_.wake_byte = '\n';
  area_.wake_len = 3;
  area_.out_flags = WASP_OUTPUT_CLOSE;
  area_.iov_count = 2;
  area_.iov[0] = {0x1000, 10};
  area_.iov[1] = {0x1F00, 256};
  RunResult r = Decode();
  ASSERT_EQ(r.outcome, RunResult::Outcome::kAnswered) << r.failure;
  EXPECT_EQ(r.consumed, 40u);
  EXPECT_EQ(r.skip, 12u);
  EXPECT_EQ(r.wake_byte, static_cast<uint32_t>('\n'));
  EXPECT_EQ(r.wake_len, 3u);
  EXPECT_TRUE(r.close);
  ASSERT_EQ(r.output.size(), 2u);
  EXPECT_EQ(r.output[0].iov_base, memory_.data());
  EXPECT_EQ(r.output[0].iov_len, 10u);
  EXPECT_EQ(r.output[1].iov_base, memory_.data() + 0xF00);
  EXPECT_EQ(r.output[1].iov_len, 256u);
}

TEST_F(RequestAreaTest, RefusesWhatAHostileAppWrites) {
  area_.consumed = 101;
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed)
      << "consumed more than its input";
  area_.consumed = 0;
  area_.iov_count = WASP_REQUEST_IOV_MAX + 1;
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed);
  area_.iov_count = 1;
  area_.iov[0] = {0x1F00, 0x200};
  RunResult r = Decode();
  EXPECT_EQ(r.outcome, RunResult::Outcome::kFailed);
  EXPECT_NE(r.failure.find("output segment 0"), std::string::npos) << r.failure;
  area_.iov[0] = {~0ull - 8, 16};
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed) << "wraps around";
  area_.iov_count = 0;
  area_.wake_byte = 0x101;
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed);
}

TEST_F(RequestAreaTest, AccessLogRecordsAreCheckedToo) {
  area_.log = 0x1100;
  area_.log_len = 32;
  RunResult r = Decode();
  ASSERT_EQ(r.outcome, RunResult::Outcome::kAnswered);
  EXPECT_EQ(r.log.data(), memory_.data() + 0x100);
  EXPECT_EQ(r.log.size(), 32u);
  area_.log_len = 4096;  // leaves guest memory
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed);
  area_.log_len = WASP_REQUEST_LOG_MAX + 1;
  EXPECT_EQ(Decode().outcome, RunResult::Outcome::kFailed);
}

TEST_F(RequestAreaTest, ANonzeroExitFails) {
  RunResult r = Decode(/*exit_code=*/3);
  EXPECT_EQ(r.outcome, RunResult::Outcome::kFailed);
  EXPECT_NE(r.failure.find("code 3"), std::string::npos) << r.failure;
}

TEST_F(RequestAreaTest, EmptySegmentsAreDropped) {
  area_.iov_count = 2;
  area_.iov[0] = {0, 0};
  area_.iov[1] = {0x1000, 1};
  RunResult r = Decode();
  ASSERT_EQ(r.outcome, RunResult::Outcome::kAnswered);
  EXPECT_EQ(r.output.size(), 1u);
}

}  // namespace
}  // namespace wasp
