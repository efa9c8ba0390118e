#include "tools/soak/traffic.h"

#include "absl/strings/str_cat.h"

namespace wasp::soak {
namespace {

constexpr absl::string_view kNames[kTrafficKinds] = {
    "keepalive", "close",         "pipelined",    "slow_reader", "reset",
    "oversized", "hostile_fault", "hostile_loop", "hostile_echo"};

}  // namespace

absl::string_view KindName(TrafficKind kind) {
  return kNames[static_cast<size_t>(kind)];
}

TrafficKind KindAt(size_t index) { return static_cast<TrafficKind>(index); }

void TrafficCounters::Add(TrafficKind kind, Outcome outcome, uint64_t n) {
  Atomic& counts = counts_[static_cast<size_t>(kind)];
  switch (outcome) {
    case Outcome::kOk:
      counts.ok += n;
      break;
    case Outcome::kExpected:
      counts.expected += n;
      break;
    case Outcome::kUnexpected:
      counts.unexpected += n;
      break;
  }
}

void TrafficCounters::AddUnexpected(TrafficKind kind, uint64_t n,
                                    const std::string& detail) {
  Add(kind, Outcome::kUnexpected, n);
  std::lock_guard<std::mutex> lock(mutex_);
  if (details_.size() < kDetailsKept) {
    details_.push_back(absl::StrCat(KindName(kind), ": ", detail));
  }
}

AllCounts TrafficCounters::Snapshot() const {
  AllCounts all;
  for (size_t i = 0; i < kTrafficKinds; ++i) {
    all[i] = {.ok = counts_[i].ok.load(),
              .expected = counts_[i].expected.load(),
              .unexpected = counts_[i].unexpected.load()};
  }
  return all;
}

std::vector<std::string> TrafficCounters::Details() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return details_;
}

}  // namespace wasp::soak
