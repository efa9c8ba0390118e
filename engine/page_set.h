// A set of pages of guest memory, one bit each: the pages the host wrote,
// the pages KVM logged as written, the pages a parked virtine holds.
#ifndef WASP_ENGINE_PAGE_SET_H_
#define WASP_ENGINE_PAGE_SET_H_

#include <cstdint>
#include <vector>

namespace wasp {

inline constexpr uint64_t kPageSize = 4096;

class PageSet final {
 public:
  PageSet() = default;
  // An empty set over `memory_bytes` of guest memory (whole pages).
  explicit PageSet(uint64_t memory_bytes);

  // Adds every page that [address, address + length) touches; pages past
  // the end of memory are ignored.
  void Add(uint64_t address, uint64_t length);
  void Remove(uint64_t address, uint64_t length);
  // Whether any page that [address, address + length) touches is in the set.
  bool Intersects(uint64_t address, uint64_t length) const;
  bool Contains(uint64_t address) const { return Intersects(address, 1); }
  bool empty() const;
  void Clear();
  // Adds the pages of `other`, a set over the same memory.
  PageSet& operator|=(const PageSet& other);

  // Calls f(page_address) for every page of the set that [address,
  // address + length) touches, in increasing order.
  template <typename F>
  void ForEach(uint64_t address, uint64_t length, F&& f) const;

  uint64_t pages() const { return pages_; }
  // KVM's dirty-log layout: page i is bit i % 64 of word i / 64.
  uint64_t* words() { return words_.data(); }

 private:
  // The pages [first, end) that a byte range touches, clamped to memory.
  struct PageRange {
    uint64_t first = 0;
    uint64_t end = 0;
  };
  PageRange Pages(uint64_t address, uint64_t length) const;
  // The bits of word `word` that lie in `range`.
  static uint64_t WordMask(uint64_t word, PageRange range);

  uint64_t pages_ = 0;
  std::vector<uint64_t> words_;
};

template <typename F>
void PageSet::ForEach(uint64_t address, uint64_t length, F&& f) const {
  PageRange range = Pages(address, length);
  if (range.first >= range.end) return;
  for (uint64_t word = range.first / 64; word <= (range.end - 1) / 64; ++word) {
    for (uint64_t bits = words_[word] & WordMask(word, range); bits != 0;
         bits &= bits - 1) {
      f((word * 64 + __builtin_ctzll(bits)) * kPageSize);
    }
  }
}

}  // namespace wasp

#endif  // WASP_ENGINE_PAGE_SET_H_
