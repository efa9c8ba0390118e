#include "tools/soak/sampler.h"

#include <algorithm>
#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tools/common/proc_stats.h"
#include "tools/soak/report.h"

namespace wasp::soak {
namespace {

constexpr absl::Duration kInterval = absl::Seconds(1);
// Stop() is answered within this.
constexpr absl::Duration kPoll = absl::Milliseconds(50);

}  // namespace

absl::Status ReadMetrics(absl::string_view text, ServerSample& sample) {
  for (const ServerField& field : kServerFields) {
    if (field.metric == nullptr) continue;
    absl::StatusOr<double> value = MetricSum(text, field.metric);
    if (!value.ok()) return value.status();
    sample.*field.member = static_cast<uint64_t>(*value);
  }
  return absl::OkStatus();
}

ServerSample SampleServer(const WatchedServer& server) {
  ServerSample sample;
  // Descriptors first: the metrics request opens one in the server.
  absl::StatusOr<uint64_t> fds = OpenFdCount(server.pid);
  absl::StatusOr<uint64_t> rss = ResidentKiB({server.pid});
  absl::StatusOr<std::string> metrics = FetchMetrics(server.admin_port);
  sample.fds = fds.value_or(0);
  sample.rss_kib = rss.value_or(0);
  sample.alive = fds.ok() && rss.ok() && metrics.ok() &&
                 ReadMetrics(*metrics, sample).ok();
  return sample;
}

absl::StatusOr<std::unique_ptr<Sampler>> Sampler::Start(
    WatchedServer http, WatchedServer hostile, const TrafficCounters* counters,
    const std::string& csv_path) {
  std::ofstream csv(csv_path);
  if (!(csv << SoakCsvHeader() << std::flush)) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", csv_path));
  }
  auto sampler = std::unique_ptr<Sampler>(
      new Sampler(http, hostile, counters, std::move(csv)));
  sampler->thread_ = std::thread(&Sampler::Run, sampler.get());
  return sampler;
}

Sampler::Sampler(WatchedServer http, WatchedServer hostile,
                 const TrafficCounters* counters, std::ofstream csv)
    : http_(http),
      hostile_(hostile),
      counters_(counters),
      start_(absl::Now()),
      csv_(std::move(csv)) {}

Sampler::~Sampler() { Stop(); }

std::vector<SoakSample> Sampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

SoakSample Sampler::Take() const {
  SoakSample sample;
  sample.t_s = absl::ToDoubleSeconds(absl::Now() - start_);
  sample.http = SampleServer(http_);
  sample.hostile = SampleServer(hostile_);
  sample.counts = counters_->Snapshot();
  return sample;
}

void Sampler::Run() {
  for (int64_t k = 1; !stop_; ++k) {
    absl::Time due = start_ + k * kInterval;
    while (!stop_ && absl::Now() < due) {
      absl::SleepFor(std::min(kPoll, due - absl::Now()));
    }
    if (stop_) return;
    SoakSample sample = Take();
    csv_ << SoakCsvRow(sample) << std::flush;
    std::lock_guard<std::mutex> lock(mutex_);
    samples_.push_back(sample);
  }
}

}  // namespace wasp::soak
