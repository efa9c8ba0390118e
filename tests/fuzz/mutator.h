// Deterministic mutations of fuzz inputs for the replay tests: a small,
// seeded subset of what libFuzzer does (bit flips, interesting bytes and
// integers, inserted, erased and copied ranges, splices), so that a replay
// test covers more than its seeds and fails the same way every time.
#ifndef WASP_TESTS_FUZZ_MUTATOR_H_
#define WASP_TESTS_FUZZ_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace wasp::fuzz {

class Mutator final {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  // `input` changed 1-4 times, maybe spliced with `other`; at most
  // `max_size` bytes.
  std::vector<uint8_t> Mutate(const std::vector<uint8_t>& input,
                              const std::vector<uint8_t>& other,
                              size_t max_size);

 private:
  // A uniform value in [0, n); 0 when n is 0.
  size_t Below(size_t n);
  void MutateOnce(std::vector<uint8_t>& data,
                  const std::vector<uint8_t>& other);
  void FlipBit(std::vector<uint8_t>& data);
  void SetByte(std::vector<uint8_t>& data);
  void SetInteger(std::vector<uint8_t>& data);
  void InsertBytes(std::vector<uint8_t>& data);
  void EraseBytes(std::vector<uint8_t>& data);
  void CopyRange(std::vector<uint8_t>& data);
  void Splice(std::vector<uint8_t>& data, const std::vector<uint8_t>& other);

  std::mt19937_64 rng_;
};

}  // namespace wasp::fuzz

#endif  // WASP_TESTS_FUZZ_MUTATOR_H_
