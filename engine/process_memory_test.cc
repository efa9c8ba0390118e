#include "engine/process_memory.h"

#include <sys/mman.h>

#include <cstring>

#include "gtest/gtest.h"

namespace wasp {
namespace {

TEST(ProcessMemoryTest, PssGrowsWithPagesTouched) {
  constexpr size_t kBytes = 16 << 20;
  auto before = ProportionalSetSize();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GT(*before, 0u);
  void* memory = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  std::memset(memory, 1, kBytes);
  auto after = ProportionalSetSize();
  ::munmap(memory, kBytes);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(*after, *before + kBytes * 9 / 10);
#ifdef __SANITIZE_THREAD__
  // ThreadSanitizer's shadow of the pages written: about 3 bytes per byte.
  constexpr size_t kShadow = kBytes * 4;
#else
  constexpr size_t kShadow = 0;
#endif
  EXPECT_LE(*after, *before + kBytes * 2 + kShadow);
}

}  // namespace
}  // namespace wasp
