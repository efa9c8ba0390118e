#include "engine/page_set.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace wasp {
namespace {

std::vector<uint64_t> Pages(const PageSet& set, uint64_t address,
                            uint64_t length) {
  std::vector<uint64_t> pages;
  set.ForEach(address, length, [&](uint64_t page) { pages.push_back(page); });
  return pages;
}

TEST(PageSetTest, StartsEmptyAndRoundsUpToPages) {
  PageSet set(5 * kPageSize + 1);
  EXPECT_EQ(set.pages(), 6u);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(Pages(set, 0, 6 * kPageSize), std::vector<uint64_t>{});
}

TEST(PageSetTest, AddsEveryPageARangeTouches) {
  PageSet set(100 * kPageSize);
  set.Add(kPageSize - 1, 2);  // the last byte of page 0, the first of page 1
  set.Add(10 * kPageSize, kPageSize);
  EXPECT_EQ(Pages(set, 0, 100 * kPageSize),
            (std::vector<uint64_t>{0, kPageSize, 10 * kPageSize}));
  EXPECT_FALSE(set.Contains(11 * kPageSize)) << "a range ending on a boundary";
  EXPECT_TRUE(set.Contains(10 * kPageSize + 4095));
  EXPECT_FALSE(set.empty());
}

TEST(PageSetTest, EmptyRangesAddNothing) {
  PageSet set(4 * kPageSize);
  set.Add(kPageSize, 0);
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.Intersects(0, 0));
}

TEST(PageSetTest, RangesAcrossWordsAndPastTheEnd) {
  PageSet set(130 * kPageSize);
  set.Add(60 * kPageSize, 70 * kPageSize);  // pages 60-129, three words
  EXPECT_EQ(Pages(set, 0, 130 * kPageSize).size(), 70u);
  EXPECT_EQ(Pages(set, 0, 130 * kPageSize).front(), 60 * kPageSize);
  EXPECT_EQ(Pages(set, 0, 130 * kPageSize).back(), 129 * kPageSize);
  set.Remove(64 * kPageSize, 64 * kPageSize);  // pages 64-127: word 1
  EXPECT_EQ(Pages(set, 0, 130 * kPageSize),
            (std::vector<uint64_t>{60 * kPageSize, 61 * kPageSize,
                                   62 * kPageSize, 63 * kPageSize,
                                   128 * kPageSize, 129 * kPageSize}));
  // Past the end of memory, and ranges whose end would overflow.
  set.Add(129 * kPageSize, std::numeric_limits<uint64_t>::max());
  set.Add(std::numeric_limits<uint64_t>::max() - 10, 100);
  EXPECT_EQ(Pages(set, 0, std::numeric_limits<uint64_t>::max()).size(), 6u);
}

TEST(PageSetTest, IntersectsLooksOnlyAtTheRange) {
  PageSet set(200 * kPageSize);
  set.Add(70 * kPageSize, 1);
  EXPECT_TRUE(set.Intersects(0, 71 * kPageSize));
  EXPECT_FALSE(set.Intersects(0, 70 * kPageSize));
  EXPECT_FALSE(set.Intersects(71 * kPageSize, 100 * kPageSize));
  EXPECT_TRUE(set.Intersects(70 * kPageSize + 100, 1));
}

TEST(PageSetTest, ForEachStaysInsideTheRange) {
  PageSet set(10 * kPageSize);
  set.Add(0, 10 * kPageSize);
  EXPECT_EQ(
      Pages(set, 3 * kPageSize + 5, 2 * kPageSize),
      (std::vector<uint64_t>{3 * kPageSize, 4 * kPageSize, 5 * kPageSize}));
}

TEST(PageSetTest, UnionAndClear) {
  PageSet a(128 * kPageSize), b(128 * kPageSize);
  a.Add(kPageSize, 1);
  b.Add(100 * kPageSize, 1);
  a |= b;
  EXPECT_EQ(Pages(a, 0, 128 * kPageSize),
            (std::vector<uint64_t>{kPageSize, 100 * kPageSize}));
  EXPECT_EQ(a.words()[1], uint64_t{1} << 36) << "KVM's layout";
  a.Clear();
  EXPECT_TRUE(a.empty());
  EXPECT_FALSE(b.empty());
}

}  // namespace
}  // namespace wasp
