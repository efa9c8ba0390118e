#include "net/request_input.h"

#include <algorithm>
#include <cstring>

namespace wasp {

void PendingInput::Add(absl::Span<const uint8_t> bytes) {
  size_t skipped = static_cast<size_t>(std::min<uint64_t>(skip_, bytes.size()));
  skip_ -= skipped;
  bytes.remove_prefix(skipped);
  if (bytes.empty()) return;
  if (waiting_for_byte_ &&
      std::memchr(bytes.data(), static_cast<int>(wake_byte_), bytes.size())) {
    waiting_for_byte_ = false;
  }
  needs_new_bytes_ = false;
  kept_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

bool PendingInput::Due(size_t capacity) const {
  if (kept_.empty()) return false;
  if (kept_.size() >= capacity) return progressed_;
  return !needs_new_bytes_ && !waiting_for_byte_ && kept_.size() >= wake_len_;
}

void PendingInput::AfterRun(const RunResult& result) {
  size_t consumed = std::min(result.consumed, kept_.size());
  size_t skipped = static_cast<size_t>(
      std::min<uint64_t>(result.skip, kept_.size() - consumed));
  skip_ = result.skip - skipped;
  progressed_ = result.consumed > 0 || !result.output.empty();
  needs_new_bytes_ = !progressed_;
  wake_byte_ = result.wake_byte;
  wake_len_ = result.wake_len;
  waiting_for_byte_ = wake_byte_ != WASP_WAKE_ANY;
  kept_.erase(0, consumed + skipped);
  if (kept_.empty()) std::string().swap(kept_);  // an idle one holds nothing
}

}  // namespace wasp
