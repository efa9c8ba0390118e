// Park and unpark through the Virtine and Cache APIs: a guest keeps state in
// memory, general and SSE registers across a hypercall, is parked, and
// resumes in another virtine of its cache.
#include "engine/parked_virtine.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/cache.h"
#include "engine/virtine.h"
#include "gtest/gtest.h"
#include "tests/guests/park_resume_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 1 << 20;
// park_resume's layout: a code page, its call area, then its pages.
constexpr uint64_t kArea = 0x9000;
constexpr uint64_t kFirstPage = 0xA000;
constexpr uint64_t kWait = 40;  // PARK_HC_WAIT

// What park_resume reports after its wait (its result, 64 bytes).
struct Report {
  int64_t wait;
  uint64_t r12;
  uint64_t xmm0[2];
  uint64_t xmm8[2];
  uint64_t intact_pages;
  uint64_t sum;
};
static_assert(sizeof(Report) == 64);

Image ParkResume() {
  Image image = images::park_resume();
  image.read_only_size = 0x1000;
  return image;
}

std::vector<uint8_t> Arg(uint64_t seed, uint64_t pages) {
  std::vector<uint8_t> bytes(16);
  std::memcpy(bytes.data(), &seed, 8);
  std::memcpy(bytes.data() + 8, &pages, 8);
  return bytes;
}

// Both quadwords of page i hold seed + i.
uint64_t ExpectedSum(uint64_t seed, uint64_t pages) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < pages; ++i) sum += 2 * (seed + i);
  return sum;
}

void ExpectReportOf(const Report& report, uint64_t seed, uint64_t pages,
                    int64_t wait) {
  EXPECT_EQ(report.wait, wait);
  EXPECT_EQ(report.r12, seed);
  EXPECT_EQ(report.xmm0[0], seed);
  EXPECT_EQ(report.xmm0[1], ~seed);
  EXPECT_EQ(report.xmm8[0], 2 * seed);
  EXPECT_EQ(report.xmm8[1], 2 * ~seed);
  EXPECT_EQ(report.intact_pages, pages);
  EXPECT_EQ(report.sum, ExpectedSum(seed, pages));
}

absl::Time Deadline() { return absl::Now() + absl::Seconds(5); }

class ParkedVirtineTest : public testing::KvmTest,
                          public ::testing::WithParamInterface<ResetKind> {
 protected:
  std::unique_ptr<Cache> MakeCache(Image image = ParkResume()) {
    auto cache = std::make_unique<Cache>(
        kMemory,
        CacheOptions{.virtine = {.reset = GetParam()}, .max_virtines = 2});
    absl::Status status = cache->load(image);
    EXPECT_TRUE(status.ok()) << status;
    return cache;
  }

  // Starts a call and runs it to its wait.
  static void RunToWait(Virtine& virtine, uint64_t seed, uint64_t pages) {
    auto result = virtine.call(Arg(seed, pages), Deadline());
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->exit.reason, ExitReason::Hypercall)
        << result->exit.ToString();
    EXPECT_EQ(result->exit.hypercall.number, kWait);
    EXPECT_EQ(result->exit.hypercall.args[0], seed);
  }

  // Answers the wait with `wait` and runs the call to its end.
  static Report Finish(Virtine& virtine, int64_t wait) {
    virtine.set_hypercall_result(wait);
    auto exit = virtine.run(Deadline());
    EXPECT_TRUE(exit.ok()) << exit.status();
    if (!exit.ok()) return {};
    EXPECT_EQ(exit->reason, ExitReason::Exited) << exit->ToString();
    EXPECT_EQ(exit->exit_code, 0);
    EXPECT_EQ(virtine.memory().ReadValue<uint32_t>(kArea + 4).value_or(0),
              sizeof(Report));
    return virtine.memory()
        .ReadValue<Report>(kArea + offsetof(wasp_call_area, result))
        .value_or(Report{});
  }

  static bool IsSnapshot(const Virtine& virtine) {
    return std::memcmp(virtine.memory().host_base(),
                       virtine.snapshot_image()->data(),
                       virtine.memory().size()) == 0;
  }
};

TEST_P(ParkedVirtineTest, ResumesInAnotherVirtineWhereItStopped) {
  ASSERT_EQ(images::park_resume().bytes.size(), 0x2000u) << "layout changed";
  auto cache = MakeCache();
  auto a = cache->acquire();
  auto b = cache->acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_NE(*a, *b);
  constexpr uint64_t kSeed = 0x0123456789ABCDEF, kPages = 5;
  RunToWait(**a, kSeed, kPages);
  auto parked = (*a)->park();
  ASSERT_TRUE(parked.ok()) << parked.status();
  EXPECT_EQ(parked->snapshot_id(), (*a)->snapshot_image()->id());
  // Its pages, and the call area that holds its argument: nothing else.
  std::vector<uint64_t> pages(parked->page_addresses().begin(),
                              parked->page_addresses().end());
  std::vector<uint64_t> expected = {kArea};
  for (uint64_t i = 0; i < kPages; ++i) {
    expected.push_back(kFirstPage + i * kPageSize);
  }
  EXPECT_EQ(pages, expected);
  EXPECT_GE(parked->bytes(), (kPages + 1) * kPageSize + sizeof(CpuState));
  EXPECT_LT(parked->bytes(), (kPages + 4) * kPageSize);
  ASSERT_EQ(cache->put(*a), absl::OkStatus());
  EXPECT_TRUE(IsSnapshot(**a)) << "a's state lives on in `parked` only";

  // b serves another call first: other pages, registers and argument.
  RunToWait(**b, 0x5555, kPages + 2);
  ASSERT_TRUE((*b)->reset().ok());
  ASSERT_TRUE((*b)->unpark(*parked).ok());
  ExpectReportOf(Finish(**b, 77), kSeed, kPages, 77);
  EXPECT_EQ((*b)->memory()
                .ReadValue<uint64_t>(kFirstPage + kPages * kPageSize)
                .value_or(~0ull),
            0u)
      << "b's own call left nothing behind";
  ASSERT_EQ(cache->put(*b), absl::OkStatus());
  EXPECT_TRUE(IsSnapshot(**b)) << "the unparked pages are reset too";

  // And b serves a call of its own again.
  auto again = cache->acquire();
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(*again, *b) << "the idle virtine last put back";
  RunToWait(**b, 99, 3);
  ExpectReportOf(Finish(**b, -1), 99, 3, -1);
  ASSERT_EQ(cache->put(*b), absl::OkStatus());
}

// Parking saves; it does not disturb: the parked virtine may go on itself,
// and its reset still undoes everything it wrote.
TEST_P(ParkedVirtineTest, ParkingLeavesTheVirtineAsItWas) {
  auto cache = MakeCache();
  auto a = cache->acquire();
  ASSERT_TRUE(a.ok());
  RunToWait(**a, 1000, 7);
  auto parked = (*a)->park();
  ASSERT_TRUE(parked.ok()) << parked.status();
  EXPECT_EQ(parked->page_count(), 8u);
  auto again = (*a)->park();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->page_count(), 8u) << "the first park forgot nothing";
  ExpectReportOf(Finish(**a, 5), 1000, 7, 5);
  ASSERT_EQ(cache->put(*a), absl::OkStatus());
  EXPECT_TRUE(IsSnapshot(**a));
  // The same virtine takes its parked self back.
  auto same = cache->acquire();
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(*same, *a);
  ASSERT_TRUE((*a)->unpark(*parked).ok());
  ExpectReportOf(Finish(**a, 6), 1000, 7, 6);
  ASSERT_EQ(cache->put(*a), absl::OkStatus());
  EXPECT_TRUE(IsSnapshot(**a));
}

TEST_P(ParkedVirtineTest, ParkRefusesVirtinesNotAtAHypercall) {
  auto cache = MakeCache();
  auto a = cache->acquire();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->park().status().code(), absl::StatusCode::kFailedPrecondition)
      << "fresh";
  RunToWait(**a, 1, 1);
  Finish(**a, 0);
  absl::Status exited = (*a)->park().status();
  EXPECT_EQ(exited.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(exited.message().find("hypercall"), absl::string_view::npos)
      << exited;
}

TEST_P(ParkedVirtineTest, UnparkRefusesVirtinesThatAreNotFreshOrOfAnother) {
  auto cache = MakeCache();
  auto a = cache->acquire();
  auto b = cache->acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  RunToWait(**a, 3, 2);
  auto parked = (*a)->park();
  ASSERT_TRUE(parked.ok()) << parked.status();

  RunToWait(**b, 4, 2);
  absl::Status ran = (*b)->unpark(*parked);
  EXPECT_EQ(ran.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ran.message().find("reset()"), absl::string_view::npos) << ran;
  ASSERT_TRUE((*b)->reset().ok());
  ASSERT_TRUE((*b)->call_argument_buffer().ok());  // handed out: written
  EXPECT_EQ((*b)->unpark(*parked).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*b)->reset().ok());

  // Another cache of the same image has a snapshot of its own.
  auto other = MakeCache();
  auto stranger = other->acquire();
  ASSERT_TRUE(stranger.ok());
  absl::Status foreign = (*stranger)->unpark(*parked);
  EXPECT_EQ(foreign.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(foreign.message().find("snapshot"), absl::string_view::npos)
      << foreign;
  // Refusals change nothing: b still takes it.
  ASSERT_TRUE((*b)->unpark(*parked).ok());
  ExpectReportOf(Finish(**b, 8), 3, 2, 8);
}

// Saving and writing back pages needs no VM.
TEST(ParkedVirtinePagesTest, KeepsTheWrittenPagesThatDifferAndWritesThemBack) {
  constexpr uint64_t kBytes = 64 * kPageSize;
  auto memory = GuestMemory::Allocate(kBytes);
  ASSERT_TRUE(memory.ok());
  memory->host_base()[10 * kPageSize] = 1;  // the snapshot's contents
  auto image = SnapshotImage::Create(*memory);
  ASSERT_TRUE(image.ok()) << image.status();
  // Written since: pages 3 and 10 (changed), 20 (written, same bytes), 2
  // (changed, but outside the writable region) and 40 (changed, but not in
  // `written`: the strategy vouches for it; a test-only case).
  memory->host_base()[3 * kPageSize + 7] = 0xAA;
  memory->host_base()[10 * kPageSize] = 2;
  memory->host_base()[2 * kPageSize] = 0xBB;
  memory->host_base()[40 * kPageSize] = 0xCC;
  PageSet written(kBytes);
  for (uint64_t page : {2, 3, 10, 20}) written.Add(page * kPageSize, 1);
  const WritableRegion region = {3 * kPageSize, kBytes};
  CpuState cpu;
  cpu.regs.rip = 0x8123;
  auto parked = ParkedVirtine::Save(**image, *memory, written, region, cpu,
                                    CallChannel());
  ASSERT_TRUE(parked.ok()) << parked.status();
  EXPECT_EQ(parked->snapshot_id(), (*image)->id());
  EXPECT_EQ(parked->cpu().regs.rip, 0x8123u);
  EXPECT_EQ(std::vector<uint64_t>(parked->page_addresses().begin(),
                                  parked->page_addresses().end()),
            (std::vector<uint64_t>{3 * kPageSize, 10 * kPageSize}));
  EXPECT_GE(parked->bytes(), 2 * kPageSize + sizeof(CpuState));
  EXPECT_LT(parked->bytes(), 2 * kPageSize + sizeof(CpuState) + 1024);

  auto fresh = (*image)->MapCopyOnWrite();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_TRUE(parked->WritePages(*fresh).ok());
  EXPECT_EQ(fresh->host_base()[3 * kPageSize + 7], 0xAA);
  EXPECT_EQ(fresh->host_base()[10 * kPageSize], 2);
  EXPECT_EQ(fresh->host_base()[2 * kPageSize], 0) << "outside the region";
  std::vector<uint64_t> recorded;
  fresh->host_writes().ForEach(
      0, kBytes, [&](uint64_t page) { recorded.push_back(page); });
  EXPECT_EQ(recorded, (std::vector<uint64_t>{3 * kPageSize, 10 * kPageSize}))
      << "so that the next reset undoes them";
}

TEST(ParkedVirtinePagesTest, RefusesMemoryOfAnotherSize) {
  auto small = GuestMemory::Allocate(4 * kPageSize);
  auto large = GuestMemory::Allocate(8 * kPageSize);
  ASSERT_TRUE(small.ok() && large.ok());
  auto image = SnapshotImage::Create(*small);
  ASSERT_TRUE(image.ok());
  auto parked =
      ParkedVirtine::Save(**image, *large, PageSet(8 * kPageSize),
                          {0, 8 * kPageSize}, CpuState(), CallChannel());
  EXPECT_EQ(parked.status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Strategies, ParkedVirtineTest,
                         ::testing::Values(ResetKind::kCopy,
                                           ResetKind::kDirtyLog),
                         [](const auto& info) {
                           return info.param == ResetKind::kCopy
                                      ? std::string("Copy")
                                      : std::string("DirtyLog");
                         });

}  // namespace
}  // namespace wasp
