#include "engine/call.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 64 << 10;
constexpr uint64_t kWritableStart = 0x8000;

// A guest may put its call area at any byte, not only where the struct's
// alignment would: the host copies its fields, never casts the address
// (found by image_fuzzer under UBSan, with a real-mode guest whose area
// was at an odd address).
TEST(CallChannelTest, CallAreaAtAnOddAddress) {
  auto memory = GuestMemory::Allocate(kMemory);
  ASSERT_TRUE(memory.ok()) << memory.status();
  CallChannel channel;
  const uint64_t area = kWritableStart + 3;
  ASSERT_TRUE(channel.SetArea(area, kWritableStart, kMemory));
  const std::vector<uint8_t> arg = {1, 2, 3};
  ASSERT_TRUE(channel.SetArgument(arg).ok());
  channel.DeliverArgument(*memory);

  uint32_t arg_len = 0;
  ASSERT_TRUE(memory
                  ->Read(area + offsetof(wasp_call_area, arg_len),
                         {reinterpret_cast<uint8_t*>(&arg_len), 4})
                  .ok());
  EXPECT_EQ(arg_len, 3u);
  std::vector<uint8_t> delivered(3);
  ASSERT_TRUE(memory
                  ->Read(area + offsetof(wasp_call_area, arg),
                         absl::MakeSpan(delivered))
                  .ok());
  EXPECT_EQ(delivered, arg);

  // The guest answers two bytes.
  const uint32_t result_len = 2;
  const uint8_t result[] = {7, 9};
  ASSERT_TRUE(memory
                  ->Write(area + offsetof(wasp_call_area, result_len),
                          {reinterpret_cast<const uint8_t*>(&result_len), 4})
                  .ok());
  ASSERT_TRUE(
      memory->Write(area + offsetof(wasp_call_area, result), result).ok());
  auto taken = channel.TakeResult(*memory);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, (std::vector<uint8_t>{7, 9}));
}

}  // namespace
}  // namespace wasp
