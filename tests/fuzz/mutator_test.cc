#include "tests/fuzz/mutator.h"

#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace wasp::fuzz {
namespace {

const std::vector<uint8_t> kSeed = {'G', 'E', 'T', ' ', '/', ' ', 'H', '\n'};

TEST(MutatorTest, SameSeedSameMutations) {
  Mutator a(42), b(42);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(a.Mutate(kSeed, kSeed, 64), b.Mutate(kSeed, kSeed, 64));
  }
}

TEST(MutatorTest, MutationsDifferAndRespectTheLimit) {
  Mutator mutator(1);
  std::set<std::vector<uint8_t>> seen;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint8_t> out = mutator.Mutate(kSeed, {'x', 'y'}, 16);
    EXPECT_LE(out.size(), 16u);
    seen.insert(out);
  }
  EXPECT_GT(seen.size(), 500u);
}

TEST(MutatorTest, EmptyInputsGrow) {
  Mutator mutator(7);
  size_t grown = 0;
  for (int i = 0; i < 100; ++i) {
    grown += !mutator.Mutate({}, {}, 64).empty();
  }
  EXPECT_GT(grown, 0u);
}

}  // namespace
}  // namespace wasp::fuzz
