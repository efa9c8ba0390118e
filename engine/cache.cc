#include "engine/cache.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace wasp {

class Cache::MaybeLock {
 public:
  explicit MaybeLock(const Cache* cache) {
    if (cache->options_.shared) lock_ = std::unique_lock(cache->mu_);
  }
  // Waits up to `timeout` until `ready`; an unshared cache never waits.
  template <typename Predicate>
  bool WaitFor(std::condition_variable& cv, absl::Duration timeout,
               Predicate ready) {
    if (!lock_.owns_lock()) return false;
    return cv.wait_for(lock_, absl::ToChronoNanoseconds(timeout), ready);
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

Cache::Cache(uint64_t memory_bytes)
    : Cache(memory_bytes,
            CacheOptions{.virtine = VirtineOptions{.mode = Mode::kReal}}) {}

Cache::Cache(uint64_t memory_bytes, CacheOptions options)
    : memory_bytes_(memory_bytes), options_(std::move(options)) {}

Cache::~Cache() = default;

absl::Status Cache::load_binary(const std::string& path,
                                uint64_t guest_address) {
  auto virtine = std::make_unique<Virtine>(options_.virtine);
  RETURN_IF_ERROR(virtine->allocate_memory(memory_bytes_));
  RETURN_IF_ERROR(virtine->load_binary(path, guest_address));
  return Prepare(std::move(virtine));
}

absl::Status Cache::load(const Image& image) {
  auto virtine = std::make_unique<Virtine>(options_.virtine);
  RETURN_IF_ERROR(virtine->allocate_memory(memory_bytes_));
  RETURN_IF_ERROR(virtine->load(image));
  return Prepare(std::move(virtine));
}

Exit Cache::load_stop() const {
  MaybeLock lock(this);
  return load_stop_;
}

absl::Status Cache::Prepare(std::unique_ptr<Virtine> virtine) {
  ASSIGN_OR_RETURN(Exit exit, virtine->run_to_snapshot(
                                  absl::Now() + options_.virtine.budget));
  if (!virtine->has_snapshot()) {
    // Nothing it did before stopping was seen outside: start from boot.
    RETURN_IF_ERROR(virtine->reset());
  } else if (exit.reason != ExitReason::Hypercall) {
    return absl::InternalError(
        absl::StrCat("template stopped after its snapshot: ", exit.ToString()));
  }
  MaybeLock lock(this);
  load_stop_ = exit;
  template_ = std::move(virtine);
  // Virtines of an earlier image must not be handed out again.
  idle_.clear();
  all_.clear();
  return absl::OkStatus();
}

absl::StatusOr<Virtine*> Cache::CreateLocked() {
  if (template_ == nullptr) {
    return absl::FailedPreconditionError(
        "the cache has no image: call load() or load_binary() first");
  }
  if (all_.size() >= options_.max_virtines) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "all %u virtines of this cache are in use", options_.max_virtines));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Virtine> virtine, template_->clone());
  all_.push_back(std::move(virtine));
  ++stats_.created;
  return all_.back().get();
}

absl::Status Cache::ensure(size_t count) {
  MaybeLock lock(this);
  count = std::min(count, options_.max_virtines);
  while (all_.size() < count) {
    ASSIGN_OR_RETURN(Virtine * virtine, CreateLocked());
    idle_.push_back(virtine);
  }
  return absl::OkStatus();
}

absl::StatusOr<Virtine*> Cache::TakeIdle() {
  if (!idle_.empty()) {
    Virtine* virtine = idle_.back();
    idle_.pop_back();
    return virtine;
  }
  return CreateLocked();
}

absl::StatusOr<Virtine*> Cache::acquire() {
  MaybeLock lock(this);
  absl::StatusOr<Virtine*> virtine = TakeIdle();
  if (absl::IsResourceExhausted(virtine.status()) &&
      options_.wait > absl::ZeroDuration() &&
      lock.WaitFor(
          idle_added_, options_.wait,
          [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !idle_.empty(); })) {
    virtine = TakeIdle();
  }
  if (virtine.ok()) {
    ++stats_.acquired;
  } else if (absl::IsResourceExhausted(virtine.status())) {
    ++stats_.exhausted;
  }
  return virtine;
}

Virtine* Cache::get() {
  absl::StatusOr<Virtine*> virtine = acquire();
  return virtine.ok() ? *virtine : nullptr;
}

absl::Status Cache::put(Virtine* virtine) {
  MaybeLock lock(this);
  auto owned = std::find_if(all_.begin(), all_.end(),
                            [&](const auto& v) { return v.get() == virtine; });
  if (virtine == nullptr || owned == all_.end() ||
      std::find(idle_.begin(), idle_.end(), virtine) != idle_.end()) {
    return absl::InvalidArgumentError(
        "put() of a virtine this cache did not hand out");
  }
  if (absl::Status status = virtine->reset(); !status.ok()) {
    all_.erase(owned);
    ++stats_.discarded;
    return status;
  }
  idle_.push_back(virtine);
  idle_added_.notify_one();
  return absl::OkStatus();
}

absl::StatusOr<CallResult> Cache::call(absl::Span<const uint8_t> arg,
                                       absl::Duration budget) {
  ASSIGN_OR_RETURN(Virtine * virtine, acquire());
  absl::StatusOr<CallResult> result = virtine->call(arg, absl::Now() + budget);
  absl::Status put_status = put(virtine);
  if (!result.ok()) return result.status();
  if (!put_status.ok()) return put_status;
  return result;
}

size_t Cache::size() const {
  MaybeLock lock(this);
  return all_.size();
}

size_t Cache::available() const {
  MaybeLock lock(this);
  return idle_.size();
}

CacheStats Cache::stats() const {
  MaybeLock lock(this);
  return stats_;
}

}  // namespace wasp
