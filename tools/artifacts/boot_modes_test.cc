// The guests of upstream's Table 1 and Fig. 3 (tests/guests/boot): the boot
// passes every milestone in order, each mode computes the same function.
// Fails, never skips, without a usable /dev/kvm.
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"
#include "tests/guests/boot/boot_long_image.h"
#include "tests/testing/kvm.h"
#include "tests/testing/nasm_defines.h"
#include "tools/artifacts/boot_guests.h"

namespace wasp::artifacts {
namespace {

constexpr absl::Duration kBudget = absl::Seconds(10);

// The numeric %define lines of boot.inc.
std::map<std::string, int64_t> BootIncDefines() {
  auto defines = wasp::testing::ReadNasmDefines("tests/guests/boot/boot.inc");
  EXPECT_TRUE(defines.ok()) << defines.status();
  return defines.ok() ? *defines : std::map<std::string, int64_t>();
}

TEST(BootProtocolTest, HostAndGuestAgree) {
  std::map<std::string, int64_t> defines = BootIncDefines();
  EXPECT_EQ(defines["BOOT_HC_MILESTONE"], kMilestoneHypercall);
  EXPECT_EQ(defines["BOOT_HC_FUNCTION"], kFunctionHypercall);
  EXPECT_EQ(defines["BOOT_M_COUNT"], kMilestoneCount);
  EXPECT_EQ(defines["BOOT_FIB_N"], kFibN);
  EXPECT_EQ(defines["BOOT_FIB_RESULT"], kFibResult);
  EXPECT_EQ(defines["BOOT_FIB_REPEAT"], kFibRepeat);
  for (int id = 0; id < kMilestoneCount; ++id) {
    std::string name = "BOOT_M_" + absl::AsciiStrToUpper(kMilestoneNames[id]);
    ASSERT_EQ(defines.count(name), 1u) << name << " is not in boot.inc";
    EXPECT_EQ(defines[name], id) << name;
  }
}

class BootModesTest : public wasp::testing::KvmTest {};

TEST_F(BootModesTest, BootReachesEveryMilestoneInOrder) {
  auto virtine = LoadedVirtine(images::boot_long(), Mode::kReal);
  ASSERT_TRUE(virtine.ok()) << virtine.status();
  // Twice: reset() must bring the virtine back to real mode.
  for (int boot = 0; boot < 2; ++boot) {
    auto trace = RunBoot(**virtine, kBudget);
    ASSERT_TRUE(trace.ok()) << trace.status();
    EXPECT_EQ(trace->exit_code, 0);
    ASSERT_EQ(trace->milestones.size(), kMilestoneCount);
    for (int id = 0; id < kMilestoneCount; ++id) {
      EXPECT_EQ(trace->milestones[id].id, id) << "boot " << boot;
      if (id > 0) {
        EXPECT_GT(trace->milestones[id].tsc, trace->milestones[id - 1].tsc)
            << kMilestoneNames[id] << " after " << kMilestoneNames[id - 1];
      }
    }
    EXPECT_GT(trace->host_cycles, 0u);
    ASSERT_TRUE((*virtine)->reset().ok());
  }
}

TEST_F(BootModesTest, EveryModeComputesTheSameFunction) {
  for (const ModeGuest& guest : ModeGuests()) {
    SCOPED_TRACE(guest.description);
    auto virtine = LoadedVirtine(guest.image, guest.mode);
    ASSERT_TRUE(virtine.ok()) << virtine.status();
    for (int run = 0; run < 2; ++run) {
      auto result = RunFunction(**virtine, kBudget);
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->result, kFibResult);
      EXPECT_EQ(result->exit_code, kFibResult);
      EXPECT_GT(result->guest_cycles, 0u);
      // The host saw the function's whole run, entry and exit included.
      EXPECT_GT(result->host_cycles, result->guest_cycles);
      ASSERT_TRUE((*virtine)->reset().ok());
    }
  }
}

TEST(TscTest, CalibrationIsPlausible) {
  double mhz = CalibrateTscMhz(absl::Milliseconds(20));
  EXPECT_GT(mhz, 100);
  EXPECT_LT(mhz, 10000);
}

}  // namespace
}  // namespace wasp::artifacts
