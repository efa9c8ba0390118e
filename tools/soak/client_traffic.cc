#include "tools/soak/client_traffic.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace wasp::soak {
namespace {

// A stop is noticed within this, between exchanges.
constexpr absl::Duration kPoll = absl::Milliseconds(50);

}  // namespace

ClientTraffic::ClientTraffic(const ClientPlan& plan, TrafficCounters* counters)
    : counters_(counters) {
  for (int i = 0; i < plan.slow_readers; ++i) {
    // As fast as the exchanges go: each paces itself.
    Start(1e6, [this, plan](int64_t) {
      Count(TrafficKind::kSlowReader,
            ReadSlowly(plan.http_port, plan.slow_read));
    });
  }
  Start(plan.reset_per_s, [this, plan](int64_t) {
    Count(TrafficKind::kReset, HalfRequestThenReset(plan.http_port));
  });
  Start(plan.oversized_per_s, [this, plan](int64_t) {
    Count(TrafficKind::kOversized, OversizedHeaders(plan.http_port));
  });
  Start(plan.hostile_bad_per_s, [this, plan](int64_t i) {
    bool fault = i % 2 == 0;
    Count(fault ? TrafficKind::kHostileFault : TrafficKind::kHostileLoop,
          HostileMisbehaves(plan.hostile_port, fault ? "FAULT" : "LOOP"));
  });
  Start(plan.hostile_echo_per_s, [this, plan](int64_t i) {
    Count(TrafficKind::kHostileEcho,
          HostileEcho(plan.hostile_port, absl::StrCat("echo ", i, "\n")));
  });
}

ClientTraffic::~ClientTraffic() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
}

void ClientTraffic::Start(double per_s, std::function<void(int64_t)> once) {
  if (per_s <= 0) return;
  threads_.emplace_back(
      [this, per_s, once = std::move(once)] { Paced(per_s, once); });
}

void ClientTraffic::Paced(double per_s,
                          const std::function<void(int64_t)>& once) {
  const absl::Duration period = absl::Seconds(1 / per_s);
  absl::Time due = absl::Now();
  for (int64_t i = 0; !stop_; ++i) {
    while (!stop_ && absl::Now() < due) {
      absl::SleepFor(std::min(kPoll, due - absl::Now()));
    }
    if (stop_) return;
    once(i);
    due = std::max(due + period, absl::Now());
  }
}

void ClientTraffic::Count(TrafficKind kind, const Exchange& exchange) {
  if (exchange.outcome == Outcome::kUnexpected) {
    counters_->AddUnexpected(kind, 1, exchange.detail);
  } else {
    counters_->Add(kind, exchange.outcome);
  }
}

}  // namespace wasp::soak
