#include "engine/guest_memory.h"

#include <cstdint>
#include <limits>
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

}  // namespace
}  // namespace wasp
