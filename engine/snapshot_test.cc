// Snapshots through the Virtine API: what a call sees of earlier calls.
#include "engine/snapshot.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cache.h"
#include "engine/process_memory.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "tests/guests/snapshot_counter_image.h"
#include "tests/guests/snapshot_cpu_state_image.h"
#include "tests/guests/snapshot_pages_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 256 << 10;
// snapshot_pages: its call area, then the pages a call writes (one
// quadword each, from the first on).
constexpr uint64_t kPagesArea = 0x9000;
constexpr uint64_t kFirstPage = 0xA000;

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

uint64_t FirstWord(const Virtine& virtine, uint64_t address) {
  return virtine.memory().ReadValue<uint64_t>(address).value_or(~0ull);
}

// Where guest memory differs from the snapshot image; nullopt if nowhere.
std::optional<uint64_t> FirstDifference(const Virtine& virtine) {
  const uint8_t* memory = virtine.memory().host_base();
  const uint8_t* snapshot = virtine.snapshot_image()->data();
  for (uint64_t page = 0; page < virtine.memory().size(); page += kPageSize) {
    if (std::memcmp(memory + page, snapshot + page, kPageSize) != 0) {
      return page;
    }
  }
  return std::nullopt;
}

// Host writes are recorded where they are made: a reset restores a page
// that only the host wrote, through either way of writing.
TEST_P(SnapshotTest, ResetRestoresPagesOnlyTheHostWrote) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_pages()));
  ASSERT_NE(virtine, nullptr);
  EXPECT_EQ(ResultValue(Call(*virtine, 0, ExitReason::Exited)), 0u);
  ASSERT_TRUE(virtine->reset().ok());
  constexpr uint64_t kTranslated = 0x20000, kWritten = 0x30000;
  auto range = virtine->memory().TranslateForWrite(kTranslated + 8, 16);
  ASSERT_TRUE(range.ok());
  std::fill(range->begin(), range->end(), 0xCC);
  ASSERT_TRUE(
      virtine->memory().Write(kWritten, std::vector<uint8_t>(8, 0xDD)).ok());
  EXPECT_EQ(FirstDifference(*virtine), kTranslated);
  ASSERT_TRUE(virtine->reset().ok());
  EXPECT_EQ(FirstDifference(*virtine), std::nullopt);
  EXPECT_EQ(FirstWord(*virtine, kTranslated + 8), 0u);
  EXPECT_EQ(FirstWord(*virtine, kWritten), 0u);
  EXPECT_EQ(ResultValue(Call(*virtine, 2, ExitReason::Exited)), 0u);
}

// Clones map the snapshot image copy-on-write: each starts as the
// snapshot, keeps what it writes to itself, and returns to the snapshot.
TEST_P(SnapshotTest, ClonesShareTheSnapshotAndNotTheirWrites) {
  Cache cache(kMemory, {.virtine = {.reset = GetParam()}, .max_virtines = 2});
  ASSERT_TRUE(cache.load(CodeReadOnly(images::snapshot_pages())).ok());
  auto a = cache.acquire();
  auto b = cache.acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_NE(*a, *b);
  EXPECT_EQ((*a)->snapshot_image(), (*b)->snapshot_image()) << "one image";
  EXPECT_EQ(FirstDifference(**a), std::nullopt);
  EXPECT_EQ(FirstDifference(**b), std::nullopt);
  // a writes 3 pages (and stops there, before any reset).
  EXPECT_EQ(ResultValue(Call(**a, 3, ExitReason::Exited)), 0u);
  EXPECT_EQ(FirstWord(**a, kFirstPage), 1u);
  EXPECT_EQ(FirstWord(**a, kFirstPage + 2 * kPageSize), 1u);
  EXPECT_EQ(FirstWord(**b, kFirstPage), 0u) << "b does not see a's page";
  EXPECT_EQ(FirstWord(**b, kPagesArea + 8), 0u) << "nor its argument";
  EXPECT_EQ(ResultValue(Call(**b, 3, ExitReason::Exited)), 0u);
  ASSERT_TRUE(cache.put(*a).ok());
  ASSERT_TRUE(cache.put(*b).ok());
  EXPECT_EQ(FirstDifference(**a), std::nullopt) << "after reset";
  EXPECT_EQ(FirstDifference(**b), std::nullopt) << "after reset";
}

TEST_P(SnapshotTest, SnapshotBytesAreTheSnapshotsUnchangedBytes) {
  auto virtine = Boot(CodeReadOnly(images::snapshot_pages()));
  ASSERT_NE(virtine, nullptr);
  EXPECT_EQ(ResultValue(Call(*virtine, 2, ExitReason::Exited)), 0u);
  const uint8_t* snapshot = virtine->snapshot_image()->data();
  // The code page: never written.
  auto code = virtine->snapshot_bytes(0x8000, 64);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->data(), snapshot + 0x8000) << "the image itself: no copy";
  EXPECT_EQ(
      std::memcmp(code->data(), virtine->memory().host_base() + 0x8000, 64), 0);
  // The guest added one to the first quadword of kFirstPage.
  auto written = virtine->snapshot_bytes(kFirstPage, 8);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kFailedPrecondition);
  // Its other bytes, and the pages it did not write, are still the
  // snapshot's.
  EXPECT_TRUE(virtine->snapshot_bytes(kFirstPage + 8, kPageSize - 8).ok());
  EXPECT_TRUE(virtine->snapshot_bytes(kFirstPage + 2 * kPageSize, 100).ok());
  // Nor do bytes the host changed count as the snapshot's.
  auto range = virtine->memory().TranslateForWrite(0x20000, 1);
  ASSERT_TRUE(range.ok());
  (*range)[0] = 0x42;
  EXPECT_EQ(virtine->snapshot_bytes(0x1FFF0, 32).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(virtine->snapshot_bytes(kMemory - 8, 16).status().code(),
            absl::StatusCode::kOutOfRange);
  // What was handed out stays valid and unchanged after resets and calls,
  // and after the virtine is gone while the image is held.
  std::shared_ptr<const SnapshotImage> image = virtine->snapshot_image();
  std::vector<uint8_t> expected(code->begin(), code->end());
  ASSERT_TRUE(virtine->reset().ok());
  EXPECT_EQ(ResultValue(Call(*virtine, 5, ExitReason::Exited)), 0u);
  virtine.reset();
  EXPECT_EQ(std::vector<uint8_t>(code->begin(), code->end()), expected);
  EXPECT_EQ(code->data(), image->data() + 0x8000);
}

INSTANTIATE_TEST_SUITE_P(Strategies, SnapshotTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         [](const auto& info) {
                           return info.param == ResetKind::kCopy
                                      ? std::string("Copy")
                                      : std::string("DirtyLog");
                         });

class PooledMemoryTest : public testing::KvmTest {};

// A pooled virtine costs the pages it writes, not its guest memory: the
// pool's process grows by far less than the memory of each virtine.
TEST_F(PooledMemoryTest, ClonesCostWhatTheyWrite) {
  constexpr uint64_t kPoolMemory = 4 << 20;
  constexpr int kPool = 8;
  Cache cache(kPoolMemory, {.virtine = {.reset = ResetKind::kDirtyLog},
                            .max_virtines = kPool});
  ASSERT_TRUE(cache.load(CodeReadOnly(images::snapshot_pages())).ok());
  auto before = ProportionalSetSize();
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(cache.ensure(kPool).ok());
  std::vector<Virtine*> pool;
  for (int i = 0; i < kPool; ++i) {
    auto virtine = cache.acquire();
    ASSERT_TRUE(virtine.ok()) << virtine.status();
    pool.push_back(*virtine);
  }
  for (Virtine* virtine : pool) {
    auto result = virtine->call(Arg(3), absl::Now() + absl::Seconds(5));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(ResultValue(*result), 0u);
  }
  for (Virtine* virtine : pool) ASSERT_TRUE(cache.put(virtine).ok());
  auto after = ProportionalSetSize();
  ASSERT_TRUE(after.ok()) << after.status();
  uint64_t per_virtine = (*after - std::min(*after, *before)) / kPool;
  EXPECT_LT(per_virtine, 512u << 10)
      << "PSS grew by " << (*after - *before) / 1024 << " KiB for " << kPool
      << " virtines of " << (kPoolMemory >> 10) << " KiB";
}

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
