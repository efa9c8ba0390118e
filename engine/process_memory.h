// What this process costs in memory, as the kernel counts it.
#ifndef WASP_ENGINE_PROCESS_MEMORY_H_
#define WASP_ENGINE_PROCESS_MEMORY_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace wasp {

// The process's proportional set size in bytes (Pss of
// /proc/self/smaps_rollup): its private pages plus its share of each page
// it shares, so a page-cache page mapped by every virtine of a pool counts
// once in all.
absl::StatusOr<uint64_t> ProportionalSetSize();

}  // namespace wasp

#endif  // WASP_ENGINE_PROCESS_MEMORY_H_
