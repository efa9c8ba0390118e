// What a guest can make the host do through the built-in hypercalls: only
// what it could do itself, and nothing a reset does not undo. Both were
// found by net:hypercall_fuzzer.
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "tests/guests/hypercall_list_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 256 << 10;
// hypercall_list's code page; its call area is the first writable page.
constexpr uint64_t kCode = 0x8000;

using Record = std::array<uint64_t, 7>;  // RAX, RDI, RSI, RDX, R10, R8, R9

class HypercallBoundaryTest : public testing::KvmTest {
 protected:
  void SetUp() override {
    testing::KvmTest::SetUp();
    // A table without handlers: the guest's last SEND_CLOSE gets -ENOSYS.
    auto virtine = Virtine::Create(
        kMemory, {.snapshots = true, .hypercalls = &table_, .config = config_});
    ASSERT_TRUE(virtine.ok()) << virtine.status();
    virtine_ = *std::move(virtine);
    ASSERT_TRUE(virtine_->load(images::hypercall_list()).ok());
    area_ = virtine_->writable_region().start;
  }

  // One call making `records`; their results, or none if the guest did not
  // exit normally.
  std::vector<int64_t> Call(const std::vector<Record>& records) {
    std::vector<uint8_t> arg(records.size() * sizeof(Record));
    if (!arg.empty()) std::memcpy(arg.data(), records.data(), arg.size());
    auto result = virtine_->call(arg, absl::Now() + absl::Seconds(5));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->exit.reason, ExitReason::Exited);
    EXPECT_EQ(result->exit.exit_code, 0) << "97: its code changed";
    std::vector<int64_t> values(result->result.size() / 8);
    if (!values.empty()) {
      std::memcpy(values.data(), result->result.data(), values.size() * 8);
    }
    return values;
  }

  std::shared_ptr<const std::vector<uint8_t>> config_ =
      std::make_shared<const std::vector<uint8_t>>(3, 'c');
  HypercallTable table_;
  std::unique_ptr<Virtine> virtine_;
  uint64_t area_ = 0;
};

// GET_ARG and GET_CONFIG write only where the guest may write: not its
// code, the restore page or the page tables, which no reset restores.
TEST_F(HypercallBoundaryTest, HostWritesOnlyWritableMemory) {
  const std::vector<Record> records = {
      {WASP_HC_GET_ARG, kCode, 8},
      {WASP_HC_GET_ARG, WASP_RESTORE_PAGE, 8},
      {WASP_HC_GET_ARG, 0x2000, 8},  // page tables
      {WASP_HC_GET_CONFIG, kCode + 16, 3},
      {WASP_HC_GET_ARG, area_ - 4, 8},  // straddles the boundary
      {WASP_HC_GET_ARG, 0, 0},          // a size query writes nothing
      {WASP_HC_GET_CONFIG, 0, 0},
      {WASP_HC_GET_CONFIG, area_ + 0x400, 3},
  };
  const int64_t arg_size = records.size() * sizeof(Record);
  EXPECT_EQ(Call(records),
            (std::vector<int64_t>{-WASP_EFAULT, -WASP_EFAULT, -WASP_EFAULT,
                                  -WASP_EFAULT, -WASP_EFAULT, arg_size, 3, 3}));
  ASSERT_TRUE(virtine_->reset().ok());
  EXPECT_EQ(std::memcmp(virtine_->memory().host_base(),
                        virtine_->snapshot_image()->data(), kMemory),
            0);
}

// A call cannot take a second snapshot: the state every later call starts
// from would be its own.
TEST_F(HypercallBoundaryTest, SecondSnapshotIsRefused) {
  const std::vector<Record> snapshot = {{WASP_HC_SNAPSHOT, area_, 0}};
  EXPECT_EQ(Call(snapshot), std::vector<int64_t>{-WASP_EPERM});
  auto image = virtine_->snapshot_image();
  ASSERT_TRUE(virtine_->reset().ok());
  EXPECT_EQ(virtine_->snapshot_image(), image);
  // The next call starts from the first snapshot: it answers its own
  // (empty) list, not the rest of the one before.
  EXPECT_EQ(Call({}), std::vector<int64_t>{});
}

}  // namespace
}  // namespace wasp
