#include "engine/snapshot_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/process_memory.h"
#include "gtest/gtest.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 4 << 20;

// Guest memory whose page i starts with i + 1 (every page holds data).
GuestMemory FilledMemory(uint64_t bytes = kMemory) {
  auto memory = GuestMemory::Allocate(bytes);
  EXPECT_TRUE(memory.ok()) << memory.status();
  for (uint64_t page = 0; page < bytes; page += kPageSize) {
    uint64_t value = page / kPageSize + 1;
    std::memcpy(memory->host_base() + page, &value, sizeof value);
  }
  return std::move(*memory);
}

uint64_t FirstWord(const uint8_t* base, uint64_t page) {
  uint64_t value;
  std::memcpy(&value, base + page, sizeof value);
  return value;
}

TEST(SnapshotImageTest, HoldsTheMemoryAsCaptured) {
  GuestMemory memory = FilledMemory();
  auto image = SnapshotImage::Create(memory);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ((*image)->size(), kMemory);
  EXPECT_EQ(std::memcmp((*image)->data(), memory.host_base(), kMemory), 0);
  // Later changes to the memory are not the image's.
  memory.host_base()[5 * kPageSize] = 0xEE;
  EXPECT_EQ(FirstWord((*image)->data(), 5 * kPageSize), 6u);
}

TEST(SnapshotImageTest, IsSealedAgainstEveryChange) {
  GuestMemory memory = FilledMemory(64 * kPageSize);
  auto image = SnapshotImage::Create(memory);
  ASSERT_TRUE(image.ok()) << image.status();
  int fd = (*image)->fd();
  constexpr int kSeals =
      F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;
  EXPECT_EQ(::fcntl(fd, F_GET_SEALS) & kSeals, kSeals);
  uint8_t byte = 1;
  EXPECT_EQ(::pwrite(fd, &byte, 1, 0), -1);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(::ftruncate(fd, 0), 0);
  void* shared =
      ::mmap(nullptr, kPageSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  EXPECT_EQ(shared, MAP_FAILED) << "no writable shared mapping";
  if (shared != MAP_FAILED) ::munmap(shared, kPageSize);
}

TEST(SnapshotImageTest, ZeroPagesCostNothing) {
  auto memory = GuestMemory::Allocate(kMemory);
  ASSERT_TRUE(memory.ok());
  memory->host_base()[0] = 1;
  memory->host_base()[kMemory - 1] = 2;
  auto image = SnapshotImage::Create(*memory);
  ASSERT_TRUE(image.ok()) << image.status();
  struct stat stat = {};
  ASSERT_EQ(::fstat((*image)->fd(), &stat), 0);
  EXPECT_EQ(static_cast<uint64_t>(stat.st_size), kMemory);
  EXPECT_LT(static_cast<uint64_t>(stat.st_blocks) * 512, kMemory / 2);
  EXPECT_EQ((*image)->data()[0], 1);
  EXPECT_EQ((*image)->data()[kMemory / 2], 0);
  EXPECT_EQ((*image)->data()[kMemory - 1], 2);
}

TEST(SnapshotImageTest, EveryImageHasItsOwnId) {
  GuestMemory memory = FilledMemory(kPageSize);
  auto a = SnapshotImage::Create(memory);
  auto b = SnapshotImage::Create(memory);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->id(), 0u);
  EXPECT_GT((*b)->id(), (*a)->id());
}

TEST(SnapshotImageTest, CopyOnWriteMemoryStartsAsTheImageAndStaysPrivate) {
  GuestMemory memory = FilledMemory();
  auto image = SnapshotImage::Create(memory);
  ASSERT_TRUE(image.ok()) << image.status();
  auto a = (*image)->MapCopyOnWrite();
  auto b = (*image)->MapCopyOnWrite();
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_EQ(a->size(), kMemory);
  EXPECT_EQ(std::memcmp(a->host_base(), (*image)->data(), kMemory), 0);
  ASSERT_TRUE(a->Write(7 * kPageSize, std::vector<uint8_t>(8, 0xAB)).ok());
  EXPECT_EQ(FirstWord(a->host_base(), 7 * kPageSize), 0xABABABABABABABABu);
  EXPECT_EQ(FirstWord(b->host_base(), 7 * kPageSize), 8u);
  EXPECT_EQ(FirstWord((*image)->data(), 7 * kPageSize), 8u);
}

// What a pool of clones costs: the pages each writes, not the memory.
TEST(SnapshotImageTest, CopyOnWriteMappingsShareUnwrittenPages) {
  constexpr int kMappings = 16;
  GuestMemory memory = FilledMemory();
  auto image = SnapshotImage::Create(memory);
  ASSERT_TRUE(image.ok()) << image.status();
  uint64_t sum = 0;
  for (uint64_t page = 0; page < kMemory; page += kPageSize) {
    sum += FirstWord((*image)->data(), page);  // in the page cache, mapped
  }
  ASSERT_EQ(sum, (kMemory / kPageSize) * (kMemory / kPageSize + 1) / 2);
  auto before = ProportionalSetSize();
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<GuestMemory> mappings;
  for (int i = 0; i < kMappings; ++i) {
    auto mapping = (*image)->MapCopyOnWrite();
    ASSERT_TRUE(mapping.ok()) << mapping.status();
    uint64_t read = 0;
    for (uint64_t page = 0; page < kMemory; page += kPageSize) {
      read += FirstWord(mapping->host_base(), page);
    }
    ASSERT_EQ(read, sum);
    ASSERT_TRUE(mapping->Write(0, std::vector<uint8_t>{1}).ok());
    mappings.push_back(std::move(*mapping));
  }
  auto after = ProportionalSetSize();
  ASSERT_TRUE(after.ok()) << after.status();
  uint64_t per_mapping = (*after - std::min(*after, *before)) / kMappings;
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's shadow of each mapping: a byte per 8, touched by
  // every checked read.
  constexpr uint64_t kShadow = kMemory / 8;
#elif defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's shadow: about a byte per byte read (4.0 MiB measured).
  constexpr uint64_t kShadow = kMemory * 2;
#else
  constexpr uint64_t kShadow = 0;
#endif
  EXPECT_LT(per_mapping, (64u << 10) + kShadow)
      << "each mapping read all " << (kMemory >> 10) << " KiB and wrote "
      << "one page";
}

}  // namespace
}  // namespace wasp
