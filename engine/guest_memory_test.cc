#include "engine/guest_memory.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace wasp {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

TEST(GuestMemoryTest, RoundsUpToPagesAndZeroes) {
  auto memory = GuestMemory::Allocate(5000);
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_EQ(memory->size(), 8192u);
  auto all = memory->Translate(0, 8192);
  ASSERT_TRUE(all.ok());
  for (uint8_t byte : *all) ASSERT_EQ(byte, 0);
}

TEST(GuestMemoryTest, RefusesEmptyAndAbsurdSizes) {
  EXPECT_EQ(GuestMemory::Allocate(0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GuestMemory::Allocate(kMax).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Out of address space (a low RLIMIT_AS, a cgroup limit): the error says
// what to change. In a child, whose limit does not bind the test.
TEST(GuestMemoryTest, OutOfMemorySaysWhatToChange) {
  pid_t pid = fork();
  if (pid == 0) {
    // What the child maps now (a sanitizer's shadow included), plus 64 MiB.
    uint64_t pages = 0;
    FILE* statm = std::fopen("/proc/self/statm", "r");
    if (statm == nullptr || std::fscanf(statm, "%lu", &pages) != 1) _exit(3);
    std::fclose(statm);
    rlim_t room = pages * sysconf(_SC_PAGESIZE) + (rlim_t{64} << 20);
    rlimit limit = {room, room};
    if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(2);
    auto memory = GuestMemory::Allocate(uint64_t{1} << 30);
    _exit(!memory.ok() &&
                  memory.status().code() ==
                      absl::StatusCode::kResourceExhausted &&
                  memory.status().message().find("--pool, --mem") !=
                      absl::string_view::npos
              ? 0
              : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "status " << status;
}

TEST(GuestMemoryTest, TranslatesRangesInside) {
  auto memory = GuestMemory::Allocate(4096);
  ASSERT_TRUE(memory.ok());
  auto first = memory->Translate(0, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data(), memory->host_base());
  auto last = memory->Translate(4095, 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->data(), memory->host_base() + 4095);
  EXPECT_TRUE(memory->Translate(0, 4096).ok());
  EXPECT_TRUE(memory->Translate(4096, 0).ok()) << "an empty range at the end";
}

TEST(GuestMemoryTest, RefusesRangesLeavingMemory) {
  auto memory = GuestMemory::Allocate(4096);
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->Translate(0, 4097).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(memory->Translate(4095, 2).ok());
  EXPECT_FALSE(memory->Translate(4097, 0).ok());
  EXPECT_FALSE(memory->Translate(kMax, 1).ok());
}

TEST(GuestMemoryTest, RefusesRangesWhoseEndOverflows) {
  auto memory = GuestMemory::Allocate(4096);
  ASSERT_TRUE(memory.ok());
  // address + length wraps around to a small number.
  EXPECT_FALSE(memory->Translate(16, kMax - 8).ok());
  EXPECT_FALSE(memory->Translate(kMax - 8, 16).ok());
  EXPECT_FALSE(memory->Translate(1, kMax).ok());
}

TEST(GuestMemoryTest, ReadsWhatItWrites) {
  auto memory = GuestMemory::Allocate(4096);
  ASSERT_TRUE(memory.ok());
  std::vector<uint8_t> data = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_TRUE(memory->Write(4088, data).ok());
  auto value = memory->ReadValue<uint64_t>(4088);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 0x0807060504030201u);
  EXPECT_FALSE(memory->Write(4090, data).ok());
  EXPECT_FALSE(memory->ReadValue<uint64_t>(4089).ok());
  // A refused write changes nothing.
  EXPECT_EQ(*memory->ReadValue<uint64_t>(4088), 0x0807060504030201u);
}

std::vector<uint64_t> HostWrittenPages(const GuestMemory& memory) {
  std::vector<uint64_t> pages;
  memory.host_writes().ForEach(0, memory.size(),
                               [&](uint64_t page) { pages.push_back(page); });
  return pages;
}

TEST(GuestMemoryTest, TranslateIsForReadingOnly) {
  static_assert(std::is_same_v<decltype(std::declval<GuestMemory&>().Translate(
                                   0, 0))::value_type,
                               absl::Span<const uint8_t>>);
  auto memory = GuestMemory::Allocate(4 * kPageSize);
  ASSERT_TRUE(memory.ok());
  ASSERT_TRUE(memory->Translate(0, 4 * kPageSize).ok());
  uint8_t out[8];
  ASSERT_TRUE(memory->Read(kPageSize, out).ok());
  EXPECT_TRUE(memory->host_writes().empty()) << "reads record nothing";
}

TEST(GuestMemoryTest, TranslateForWriteRecordsThePagesItHandsOut) {
  auto memory = GuestMemory::Allocate(16 * kPageSize);
  ASSERT_TRUE(memory.ok());
  auto range = memory->TranslateForWrite(3 * kPageSize - 2, 4);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->data(), memory->host_base() + 3 * kPageSize - 2);
  EXPECT_EQ(range->size(), 4u);
  EXPECT_EQ(HostWrittenPages(*memory),
            (std::vector<uint64_t>{2 * kPageSize, 3 * kPageSize}));
  ASSERT_TRUE(memory->TranslateForWrite(9 * kPageSize, 0).ok());
  EXPECT_EQ(HostWrittenPages(*memory).size(), 2u) << "an empty range";
}

TEST(GuestMemoryTest, WriteRecordsAndRefusedWritesDoNot) {
  auto memory = GuestMemory::Allocate(8 * kPageSize);
  ASSERT_TRUE(memory.ok());
  std::vector<uint8_t> data(kPageSize + 1, 7);
  ASSERT_TRUE(memory->Write(5 * kPageSize, data).ok());
  EXPECT_EQ(HostWrittenPages(*memory),
            (std::vector<uint64_t>{5 * kPageSize, 6 * kPageSize}));
  EXPECT_FALSE(memory->Write(8 * kPageSize - 1, data).ok());
  EXPECT_FALSE(memory->TranslateForWrite(0, 8 * kPageSize + 1).ok());
  EXPECT_EQ(HostWrittenPages(*memory).size(), 2u);
}

TEST(GuestMemoryTest, ForgetsOnlyTheRangeAResetRestored) {
  auto memory = GuestMemory::Allocate(8 * kPageSize);
  ASSERT_TRUE(memory.ok());
  ASSERT_TRUE(memory->TranslateForWrite(0, 8 * kPageSize).ok());
  memory->ForgetHostWrites(2 * kPageSize, 8 * kPageSize);
  EXPECT_EQ(HostWrittenPages(*memory), (std::vector<uint64_t>{0, kPageSize}));
  memory->ForgetHostWrites(0, memory->size());
  EXPECT_TRUE(memory->host_writes().empty());
}

// The memory of a clone: the file's pages until written, then its own.
TEST(GuestMemoryTest, PrivateMappingsCopyOnWrite) {
  int fd = ::memfd_create("guest_memory_test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> page(kPageSize, 0x5a);
  ASSERT_EQ(::pwrite(fd, page.data(), page.size(), 0),
            static_cast<ssize_t>(kPageSize));
  ASSERT_EQ(::ftruncate(fd, 2 * kPageSize), 0);
  auto a = GuestMemory::MapPrivate(fd, 2 * kPageSize);
  auto b = GuestMemory::MapPrivate(fd, 2 * kPageSize);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_EQ(a->size(), 2 * kPageSize);
  EXPECT_EQ(*a->ReadValue<uint8_t>(0), 0x5a);
  EXPECT_EQ(*a->ReadValue<uint8_t>(kPageSize), 0);
  ASSERT_TRUE(a->Write(0, std::vector<uint8_t>{1}).ok());
  EXPECT_EQ(*a->ReadValue<uint8_t>(0), 1);
  EXPECT_EQ(*b->ReadValue<uint8_t>(0), 0x5a) << "b still sees the file";
  uint8_t in_file = 0;
  ASSERT_EQ(::pread(fd, &in_file, 1, 0), 1);
  EXPECT_EQ(in_file, 0x5a) << "a's write stayed private";
  ::close(fd);
}

TEST(GuestMemoryTest, PrivateMappingOfABadFileIsAClearError) {
  auto memory = GuestMemory::MapPrivate(-1, kPageSize);
  EXPECT_FALSE(memory.ok());
  EXPECT_NE(memory.status().message().find("snapshot image"),
            absl::string_view::npos)
      << memory.status();
  EXPECT_EQ(GuestMemory::MapPrivate(-1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wasp
