// Snapshots through the Virtine API: what a call sees of earlier calls.
#include "engine/snapshot.h"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "tests/guests/snapshot_counter_image.h"
#include "tests/guests/snapshot_cpu_state_image.h"
#include "tests/guests/snapshot_pages_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 256 << 10;

Image CodeReadOnly(Image image) {
  image.read_only_size = 0x1000;
  return image;
}

std::vector<uint8_t> Arg(uint64_t value) {
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

uint64_t ResultValue(const CallResult& result) {
  EXPECT_EQ(result.result.size(), 8u);
  uint64_t value = 0;
  std::memcpy(&value, result.result.data(),
              std::min<size_t>(8, result.result.size()));
  return value;
}

class SnapshotTest : public testing::KvmTest,
                     public ::testing::WithParamInterface<ResetKind> {
 protected:
  std::unique_ptr<Virtine> Boot(Image image, bool snapshots = true) {
    auto virtine =
        Virtine::Create(kMemory, {.snapshots = snapshots, .reset = GetParam()});
    EXPECT_TRUE(virtine.ok()) << virtine.status();
    if (!virtine.ok()) return nullptr;
    EXPECT_TRUE((*virtine)->load(image).ok());
    EXPECT_EQ((*virtine)->reset_kind(), GetParam());
    return std::move(*virtine);
  }

  CallResult Call(Virtine& virtine, uint64_t arg, ExitReason reason) {
    auto result = virtine.call(Arg(arg), absl::Now() + absl::Seconds(5));
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    EXPECT_EQ(result->exit.reason, reason) << result->exit.ToString();
    return *result;
  }
};

TEST_P(SnapshotTest, EveryCallStartsFromTheSnapshotInOneExit) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_counter()));
  ASSERT_NE(virtine, nullptr);
  for (uint64_t arg = 10; arg < 20; ++arg) {
    uint64_t exits = virtine->stats().exits;
    CallResult result = Call(*virtine, arg, ExitReason::Exited);
    EXPECT_EQ(ResultValue(result), 101 + 7 + arg);
    if (arg > 10) {
      EXPECT_EQ(virtine->stats().exits - exits, 1u) << "one exit per call";
    }
    ASSERT_TRUE(virtine->reset().ok());
  }
  EXPECT_TRUE(virtine->has_snapshot());
  EXPECT_EQ(virtine->stats().snapshots, 1u);
}

TEST_P(SnapshotTest, WithoutSnapshotsEveryCallBootsFromTheImage) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_counter()),
                      /*snapshots=*/false);
  ASSERT_NE(virtine, nullptr);
  for (uint64_t arg = 1000; arg < 1005; ++arg) {
    uint64_t exits = virtine->stats().exits;
    CallResult result = Call(*virtine, arg, ExitReason::Exited);
    EXPECT_EQ(ResultValue(result), 101 + 7 + arg);
    EXPECT_EQ(virtine->stats().exits - exits, 2u) << "snapshot + exit";
    ASSERT_TRUE(virtine->reset().ok());
  }
  EXPECT_FALSE(virtine->has_snapshot());
}

TEST_P(SnapshotTest, CpuStateIsRestored) {
  auto virtine = Boot(images::snapshot_cpu_state());
  ASSERT_NE(virtine, nullptr);
  std::optional<uint16_t> first_ds;
  for (int i = 0; i < 3; ++i) {
    CallResult result = Call(*virtine, 0, ExitReason::Exited);
    ASSERT_EQ(result.result.size(), 24u);
    EXPECT_EQ(std::string(result.result.begin(), result.result.begin() + 16),
              "snapshot-xmm0-AB");
    uint32_t mxcsr;
    uint16_t fcw, ds;
    std::memcpy(&mxcsr, &result.result[16], 4);
    std::memcpy(&fcw, &result.result[20], 2);
    std::memcpy(&ds, &result.result[22], 2);
    EXPECT_EQ(mxcsr, 0x1f80u);
    EXPECT_EQ(fcw, 0x37fu);
    // Some hosts report a null DS in 64-bit mode; either way it must not
    // carry the previous call's change.
    EXPECT_TRUE(ds == 0 || ds == 0x1b) << ds;
    if (!first_ds) first_ds = ds;
    EXPECT_EQ(ds, *first_ds);
    ASSERT_TRUE(virtine->reset().ok());
  }
}

// Misbehaviour after the snapshot (writing code or page tables, looping,
// faulting with state changed) stops that call only; the next is clean.
TEST_P(SnapshotTest, HostileCallsLeaveTheNextCallClean) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_counter()));
  ASSERT_NE(virtine, nullptr);
  struct Case {
    uint64_t arg;
    ExitReason reason;
  } cases[] = {{1, ExitReason::Fault},
               {2, ExitReason::Fault},
               {3, ExitReason::Timeout},
               {4, ExitReason::Fault}};
  for (const Case& c : cases) {
    auto result =
        virtine->call(Arg(c.arg), absl::Now() + absl::Milliseconds(50));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->exit.reason, c.reason)
        << "arg " << c.arg << ": " << result->exit.ToString();
    ASSERT_TRUE(virtine->reset().ok());
    EXPECT_EQ(ResultValue(Call(*virtine, 5, ExitReason::Exited)), 113u)
        << "after arg " << c.arg;
    ASSERT_TRUE(virtine->reset().ok());
  }
}

TEST_P(SnapshotTest, ClonesStartFromTheSnapshotWithoutRunningInit) {
  auto original = Boot(CodeReadOnly(images::snapshot_counter()));
  ASSERT_NE(original, nullptr);
  ASSERT_TRUE(original->run_to_snapshot(absl::Now() + absl::Seconds(5)).ok());
  ASSERT_TRUE(original->has_snapshot());
  auto clone = original->clone();
  ASSERT_TRUE(clone.ok()) << clone.status();
  EXPECT_TRUE((*clone)->has_snapshot());
  EXPECT_EQ((*clone)->stats().runs, 0u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ResultValue(Call(**clone, 1000, ExitReason::Exited)), 1108u);
    EXPECT_EQ((*clone)->stats().snapshots, 0u);
    ASSERT_TRUE((*clone)->reset().ok());
  }
}

TEST_P(SnapshotTest, OversizedArgumentsAndResultsAreRefused) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_counter()));
  ASSERT_NE(virtine, nullptr);
  std::vector<uint8_t> huge(WASP_CALL_ARG_MAX + 1);
  EXPECT_EQ(virtine->call(huge, absl::Now() + absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Pages written on every call, many pages at once, then few again: each
// call finds every page as the snapshot had it, whichever pages a reset
// keeps writable or protects again.
TEST_P(SnapshotTest, EveryWrittenPageIsReset) {
  constexpr uint64_t kPagesMemory = 1 << 20;
  auto virtine = Virtine::Create(kPagesMemory, {.reset = GetParam()});
  ASSERT_TRUE(virtine.ok()) << virtine.status();
  ASSERT_TRUE((*virtine)->load(CodeReadOnly(images::snapshot_pages())).ok());
  for (uint64_t pages : {3, 3, 200, 3, 100, 1, 200, 200, 2}) {
    CallResult result = Call(**virtine, pages, ExitReason::Exited);
    EXPECT_EQ(ResultValue(result), 0u) << pages << " pages";
    ASSERT_TRUE((*virtine)->reset().ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Strategies, SnapshotTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         [](const auto& info) {
                           return info.param == ResetKind::kCopy
                                      ? std::string("Copy")
                                      : std::string("DirtyLog");
                         });

TEST(SnapshotEnvironmentTest, WaspNoSnapshotDisablesSnapshots) {
  ::setenv("WASP_NO_SNAPSHOT", "1", 1);
  EXPECT_FALSE(VirtineOptions{}.snapshots);
  ::setenv("WASP_NO_SNAPSHOT", "0", 1);
  EXPECT_TRUE(VirtineOptions{}.snapshots);
  ::unsetenv("WASP_NO_SNAPSHOT");
  EXPECT_TRUE(VirtineOptions{}.snapshots);
}

}  // namespace
}  // namespace wasp
