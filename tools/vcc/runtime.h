/*
 * The host runtime of vcc. The vcc pass replaces the body of every C
 * function marked `virtine` with a call to wasp_vcc_call(), passing the
 * function's image (a mutable global it emits), its parameters packed in a
 * struct, its pointer buffers and where the return value goes. The pass
 * builds these structs in IR: their field order and sizes are the ABI.
 *
 * On an image's first call the runtime creates a pool of virtines for it
 * (long mode, restored from the snapshot the guest takes; WASP_NO_SNAPSHOT=1
 * boots each call afresh) and runs its initialisation once. Each call then
 * packs the argument as guest/abi/vcc_call.h describes, runs one virtine
 * and copies the return value and the out buffers back.
 *
 * Environment, read on an image's first call:
 *   WASP_VCC_BUDGET_MS  CPU time one call (and the image's initialisation)
 *                       may use, in milliseconds; default 1000.
 *   WASP_NO_SNAPSHOT    nonempty and not "0": no snapshots.
 *
 * Errors (no /dev/kvm, an image that does not load, a guest that faults,
 * runs out of its budget or exits nonzero, a call too large for the call
 * area, a malformed result) print one line to stderr,
 *   vcc: virtine function 'NAME': <what failed, why, how to fix>
 * and abort(), as upstream Wasp does: a virtine function has no way to
 * return an error its C signature does not have.
 *
 * Guest console output (WASP_HC_WRITE) goes to the host's stdout, unless the
 * function's virtine_whitelist() mask lacks VIRTINE_ALLOW_WRITE. A function
 * with virtine_whitelist() reaches the host's files through the bits of its
 * mask, with the descriptors it was given (the values of its `int`
 * parameters, which the pass passes as `descriptors`) and those it opens
 * during the call; tools/vcc/host_files.h has the rules.
 */
#ifndef WASP_TOOLS_VCC_RUNTIME_H_
#define WASP_TOOLS_VCC_RUNTIME_H_

#include "guest/abi/vcc_call.h" /* WASP_VCC_IN, WASP_VCC_OUT */

#ifdef __cplusplus
#include <cstdint>
extern "C" {
#else
#include <stdint.h>
#endif

/* wasp_vcc_buffer_ref.flags */
#define WASP_VCC_STRING 1u /* NUL-terminated: strlen(data) + 1 bytes */

/* One per virtine function; the pass emits it as a mutable global. */
struct wasp_vcc_image {
  const char* name; /* the C function's name, for errors */
  const uint8_t* bytes;
  uint64_t size;
  uint64_t load_address;
  uint64_t entry;
  uint64_t read_only_size;
  uint64_t memory_bytes; /* guest memory; 0: the default 1 MiB */
  uint64_t allowlist;    /* VIRTINE_ALLOW_* of virtine_whitelist, bit 63 clear;
                            ~0: no virtine_whitelist */
  void* state;           /* the runtime's, created on first call; null */
};

/* One pointer parameter: count * element_size bytes at data (see flags). */
struct wasp_vcc_buffer_ref {
  void* data; /* null only if the length is 0 */
  uint64_t count;
  uint64_t element_size;
  uint32_t direction; /* WASP_VCC_IN | WASP_VCC_OUT */
  uint32_t flags;     /* WASP_VCC_STRING: count and element_size ignored */
};

/*
 * Calls the virtine function `image`: `args` is its argument struct,
 * `buffers` its pointer buffers in the order the guest expects them, and
 * `ret` receives `return_length` bytes (may be null when that is 0).
 * `descriptors` are the host descriptors the call may use besides those it
 * opens (may be null when `descriptor_count` is 0): the pass passes the
 * value of every `int` parameter of a function with virtine_whitelist(),
 * and none for the others. Returns only on success; see above for errors.
 */
void wasp_vcc_call(struct wasp_vcc_image* image, const void* args,
                   uint64_t args_length,
                   const struct wasp_vcc_buffer_ref* buffers,
                   uint32_t buffer_count, void* ret, uint64_t return_length,
                   const int32_t* descriptors, uint32_t descriptor_count);

#ifdef __cplusplus
} /* extern "C" */

/* The runtime's decisions, each a status rather than an abort. */
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/exit.h"
#include "engine/hypercall.h"
#include "tools/vcc/call_blob.h"

namespace wasp::vcc {

using BufferSpans = absl::InlinedVector<BufferSpan, WASP_VCC_MAX_BUFFERS>;

// The call's buffers with their lengths: strings measured, count *
// element_size checked for overflow.
absl::StatusOr<BufferSpans> ResolveBuffers(
    absl::Span<const wasp_vcc_buffer_ref> refs);

// The CPU budget of a call given WASP_VCC_BUDGET_MS's value (null: unset).
absl::StatusOr<absl::Duration> BudgetFromEnvironment(const char* value);

// The hypercalls a function's virtines may make, given its upstream
// VIRTINE_ALLOW_* mask (~0: no virtine_whitelist, the console only).
HypercallAllowlist AllowlistFor(uint64_t virtine_allow_mask);

// Ok if the guest finished the call; otherwise what it did and how to fix.
absl::Status CheckExit(const Exit& exit, absl::Duration budget);

// wasp_vcc_call, returning its error.
absl::Status Call(wasp_vcc_image& image, absl::Span<const uint8_t> args,
                  absl::Span<const wasp_vcc_buffer_ref> buffers,
                  absl::Span<uint8_t> ret,
                  absl::Span<const int32_t> descriptors = {});

// The line wasp_vcc_call prints before it aborts.
std::string FailureLine(const char* function_name, const absl::Status& error);

}  // namespace wasp::vcc
#endif /* __cplusplus */

#endif /* WASP_TOOLS_VCC_RUNTIME_H_ */
