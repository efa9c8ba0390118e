#include "engine/hypercall.h"

#include <utility>

#include "absl/strings/str_format.h"

namespace wasp {

absl::Status HypercallTable::Register(uint64_t number,
                                      HypercallHandler handler) {
  if (number >= handlers_.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("hypercall number %u is above the ABI's maximum %u",
                        number, handlers_.size() - 1));
  }
  handlers_[number] = std::move(handler);
  return absl::OkStatus();
}

const HypercallHandler* HypercallTable::Find(uint64_t number) const {
  if (number >= handlers_.size() || !handlers_[number]) return nullptr;
  return &handlers_[number];
}

}  // namespace wasp
