#include "tests/fuzz/mutator.h"

#include <algorithm>
#include <cstring>

namespace wasp::fuzz {
namespace {

// Bytes that parsers and decoders branch on.
constexpr uint8_t kBytes[] = {0,   1,   0x7f, 0x80, 0xff, '\r', '\n', ' ',
                              ':', '/', '%',  '.',  ',',  ';',  '-',  '0'};

// Lengths, limits and addresses that sit on boundaries.
constexpr uint64_t kIntegers[] = {0,
                                  1,
                                  2,
                                  7,
                                  8,
                                  15,
                                  16,
                                  255,
                                  256,
                                  4095,
                                  4096,
                                  4097,
                                  0x7000,
                                  0x8000,
                                  0x10000,
                                  0x40000,
                                  0x7fffffff,
                                  0x80000000,
                                  0xffffffff,
                                  0x100000000,
                                  0x40000000,
                                  ~uint64_t{0},
                                  ~uint64_t{0} - 4095,
                                  uint64_t{1} << 63};

}  // namespace

size_t Mutator::Below(size_t n) {
  return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

std::vector<uint8_t> Mutator::Mutate(const std::vector<uint8_t>& input,
                                     const std::vector<uint8_t>& other,
                                     size_t max_size) {
  std::vector<uint8_t> data = input;
  for (size_t n = 1 + Below(4); n > 0; --n) MutateOnce(data, other);
  if (data.size() > max_size) data.resize(max_size);
  return data;
}

void Mutator::MutateOnce(std::vector<uint8_t>& data,
                         const std::vector<uint8_t>& other) {
  switch (Below(data.empty() ? 1 : 8)) {
    case 0:
      return InsertBytes(data);
    case 1:
      return FlipBit(data);
    case 2:
      return SetByte(data);
    case 3:
      return SetInteger(data);
    case 4:
      return EraseBytes(data);
    case 5:
      return CopyRange(data);
    case 6:
      return Splice(data, other);
    default:
      data.resize(Below(data.size()));  // truncate
  }
}

void Mutator::FlipBit(std::vector<uint8_t>& data) {
  data[Below(data.size())] ^= 1u << Below(8);
}

void Mutator::SetByte(std::vector<uint8_t>& data) {
  data[Below(data.size())] = Below(2) == 0 ? kBytes[Below(sizeof kBytes)]
                                           : static_cast<uint8_t>(Below(256));
}

void Mutator::SetInteger(std::vector<uint8_t>& data) {
  static constexpr size_t kWidths[] = {1, 2, 4, 8};
  size_t width = std::min(kWidths[Below(4)], data.size());
  uint64_t value = kIntegers[Below(std::size(kIntegers))];
  if (Below(4) == 0) value += Below(3) - 1;  // one off either way
  std::memcpy(data.data() + Below(data.size() - width + 1), &value, width);
}

void Mutator::InsertBytes(std::vector<uint8_t>& data) {
  size_t at = Below(data.size() + 1);
  size_t count = 1 + Below(Below(2) == 0 ? 4 : 64);
  uint8_t byte = kBytes[Below(sizeof kBytes)];
  std::vector<uint8_t> run(count, byte);
  if (Below(2) == 0) {
    for (uint8_t& b : run) b = static_cast<uint8_t>(Below(256));
  }
  data.insert(data.begin() + at, run.begin(), run.end());
}

void Mutator::EraseBytes(std::vector<uint8_t>& data) {
  size_t at = Below(data.size());
  size_t count = 1 + Below(std::min<size_t>(data.size() - at, 64));
  data.erase(data.begin() + at, data.begin() + at + count);
}

void Mutator::CopyRange(std::vector<uint8_t>& data) {
  size_t from = Below(data.size());
  size_t count = 1 + Below(std::min<size_t>(data.size() - from, 256));
  std::vector<uint8_t> range(data.begin() + from, data.begin() + from + count);
  data.insert(data.begin() + Below(data.size() + 1), range.begin(),
              range.end());
}

void Mutator::Splice(std::vector<uint8_t>& data,
                     const std::vector<uint8_t>& other) {
  size_t keep = Below(data.size() + 1);
  size_t from = Below(other.size() + 1);
  data.resize(keep);
  data.insert(data.end(), other.begin() + from, other.end());
}

}  // namespace wasp::fuzz
