#include "engine/page_set.h"

#include <algorithm>

namespace wasp {

PageSet::PageSet(uint64_t memory_bytes)
    : pages_((memory_bytes + kPageSize - 1) / kPageSize),
      words_((pages_ + 63) / 64) {}

PageSet::PageRange PageSet::Pages(uint64_t address, uint64_t length) const {
  uint64_t first = address / kPageSize;
  if (length == 0 || first >= pages_) return {};
  // Clamped first, so that address + length cannot overflow.
  uint64_t end_byte = address + std::min(length, pages_ * kPageSize);
  uint64_t end = std::min(pages_, (end_byte + kPageSize - 1) / kPageSize);
  return {first, end};
}

uint64_t PageSet::WordMask(uint64_t word, PageRange range) {
  uint64_t low = std::max(range.first, word * 64) - word * 64;
  uint64_t high = std::min(range.end, word * 64 + 64) - word * 64;
  uint64_t below_high = high == 64 ? ~uint64_t{0} : (uint64_t{1} << high) - 1;
  return below_high & ~((uint64_t{1} << low) - 1);
}

void PageSet::Add(uint64_t address, uint64_t length) {
  PageRange range = Pages(address, length);
  if (range.first >= range.end) return;
  for (uint64_t word = range.first / 64; word <= (range.end - 1) / 64; ++word) {
    words_[word] |= WordMask(word, range);
  }
}

void PageSet::Remove(uint64_t address, uint64_t length) {
  PageRange range = Pages(address, length);
  if (range.first >= range.end) return;
  for (uint64_t word = range.first / 64; word <= (range.end - 1) / 64; ++word) {
    words_[word] &= ~WordMask(word, range);
  }
}

bool PageSet::Intersects(uint64_t address, uint64_t length) const {
  PageRange range = Pages(address, length);
  if (range.first >= range.end) return false;
  for (uint64_t word = range.first / 64; word <= (range.end - 1) / 64; ++word) {
    if ((words_[word] & WordMask(word, range)) != 0) return true;
  }
  return false;
}

bool PageSet::empty() const {
  return std::all_of(words_.begin(), words_.end(),
                     [](uint64_t word) { return word == 0; });
}

void PageSet::Clear() { std::fill(words_.begin(), words_.end(), 0); }

PageSet& PageSet::operator|=(const PageSet& other) {
  size_t words = std::min(words_.size(), other.words_.size());
  for (size_t i = 0; i < words; ++i) words_[i] |= other.words_[i];
  return *this;
}

}  // namespace wasp
