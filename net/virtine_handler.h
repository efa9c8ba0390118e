// Request-scoped virtines: a worker's pool of virtines cloned from a
// snapshot that registered a request area (guest/abi/hypercall.h). A run
// writes the connection's input into the guest, resumes it from the
// snapshot, decodes its area once, and after the response went out the
// virtine is reset and lent to any connection.
#ifndef WASP_NET_VIRTINE_HANDLER_H_
#define WASP_NET_VIRTINE_HANDLER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/cache.h"
#include "engine/image.h"
#include "engine/virtine.h"
#include "net/request_handler.h"

namespace wasp {

// `cache` holds a loaded image whose snapshot has a request area;
// `cpu_budget` bounds each run.
absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeVirtineHandlerPool(
    std::unique_ptr<Cache> cache, size_t capacity, absl::Duration cpu_budget);

// A new virtine for every run, booted from `image` (its initialisation
// included) and destroyed after it: no snapshot, no reuse. The baseline
// that snapshots and pools are measured against, not a way to serve.
absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeFreshVirtineHandlerPool(
    const Image& image, const VirtineOptions& options, uint64_t memory_bytes,
    size_t capacity, absl::Duration cpu_budget);

}  // namespace wasp

#endif  // WASP_NET_VIRTINE_HANDLER_H_
