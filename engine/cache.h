// wasp::Cache: a bounded pool of ready virtines of one image, each restored
// from one snapshot. The upstream API (load_binary, ensure, get, put) is kept;
// call() is the common case in one line.
//
// Threading: a Cache built with `shared = true` (the default) may be used
// from any number of threads. With `shared = false` it takes no locks and
// must be used by one thread only: the per-core pools of the server.
#ifndef WASP_ENGINE_CACHE_H_
#define WASP_ENGINE_CACHE_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/image.h"
#include "engine/virtine.h"

namespace wasp {

struct CacheOptions {
  VirtineOptions virtine;
  // Virtines this cache creates at most (idle and in use together).
  size_t max_virtines = 64;
  // How long get()/acquire() wait for a virtine when all are in use.
  absl::Duration wait = absl::ZeroDuration();
  bool shared = true;
};

struct CacheStats {
  uint64_t created = 0;
  uint64_t acquired = 0;
  uint64_t exhausted = 0;  // acquisitions refused because all were in use
  uint64_t discarded = 0;  // virtines dropped because reset failed
};

class Cache final {
 public:
  // Upstream's cache: real-mode virtines of `memory_bytes` each.
  explicit Cache(uint64_t memory_bytes);
  Cache(uint64_t memory_bytes, CacheOptions options);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // Loads the image into a template virtine and runs it to its snapshot
  // (its initialisation runs once, here). An image that stops before taking
  // one is used from its boot state.
  absl::Status load_binary(const std::string& path, uint64_t guest_address);
  absl::Status load(const Image& image);
  // How the last load's initialisation stopped: at a hypercall (its snapshot,
  // or the first host service it asked for), or earlier by exiting, faulting
  // or timing out.
  Exit load_stop() const;

  // Makes at least `count` virtines exist (at most max_virtines).
  absl::Status ensure(size_t count);

  // A ready virtine, or an error saying why there is none (not loaded, all
  // in use past the wait, KVM failure).
  absl::StatusOr<Virtine*> acquire();
  // Upstream's get(): nullptr where acquire() returns an error.
  Virtine* get();
  // Resets `virtine` and makes it available again. A virtine that cannot be
  // reset is destroyed. Virtines of other caches are refused.
  absl::Status put(Virtine* virtine);

  // acquire(), call() within `budget`, put().
  absl::StatusOr<CallResult> call(absl::Span<const uint8_t> arg,
                                  absl::Duration budget);

  size_t size() const;       // virtines that exist
  size_t available() const;  // of which idle
  CacheStats stats() const;

 private:
  absl::StatusOr<Virtine*> TakeIdle() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Virtine*> CreateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Prepare(std::unique_ptr<Virtine> template_virtine);
  // A lock that is taken only for shared caches.
  class MaybeLock;

  const uint64_t memory_bytes_;
  const CacheOptions options_;
  // std::mutex, not absl::Mutex: ThreadSanitizer sees its synchronisation
  // (Debian's Abseil is not instrumented).
  mutable std::mutex mu_;
  std::condition_variable idle_added_;
  std::unique_ptr<Virtine> template_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Virtine>> all_ ABSL_GUARDED_BY(mu_);
  std::vector<Virtine*> idle_ ABSL_GUARDED_BY(mu_);
  CacheStats stats_ ABSL_GUARDED_BY(mu_);
  Exit load_stop_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wasp

#endif  // WASP_ENGINE_CACHE_H_
