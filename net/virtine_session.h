// Virtines for a worker: request-scoped handlers (net/virtine_handler.h),
// or sessions for connection-scoped apps, where a connection gets a virtine
// restored from the app's snapshot and its socket hypercalls become
// IoRequests on guest memory (checked, never copied).
#ifndef WASP_NET_VIRTINE_SESSION_H_
#define WASP_NET_VIRTINE_SESSION_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/image.h"
#include "net/session.h"
#include "net/worker.h"

namespace wasp {

struct VirtinePoolOptions {
  uint64_t memory_bytes = 4 << 20;
  size_t capacity = 64;
  // CPU time a virtine may use between two I/O operations.
  absl::Duration cpu_budget = absl::Milliseconds(100);
  std::shared_ptr<const std::vector<uint8_t>> config;
  // A new VM for every connection, booted from the image and destroyed
  // after it: no pool, no snapshot. The baseline that snapshots and reuse
  // are measured against, not a way to serve.
  bool fresh_vm = false;
};

// Loads `image`, runs it to its snapshot once, and pre-creates `capacity`
// virtines cloned from it: request handlers if the snapshot registered a
// request area, else sessions held per connection (with `fresh_vm`: checks
// that `image` loads, and creates a virtine per connection, at most
// `capacity` at once).
absl::StatusOr<ServingPool> MakeVirtinePool(const Image& image,
                                            const VirtinePoolOptions& options);

}  // namespace wasp

#endif  // WASP_NET_VIRTINE_SESSION_H_
