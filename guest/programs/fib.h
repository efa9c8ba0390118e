// fib(n) by naive recursion, shared by the guest program and the native
// baseline of the benchmark, so that both run the same source.
#ifndef WASP_GUEST_PROGRAMS_FIB_H_
#define WASP_GUEST_PROGRAMS_FIB_H_

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

// Exponential on purpose; wraps past fib(92) rather than being undefined.
static inline uint64_t wasp_fib(int64_t n) {
  return n < 2 ? (uint64_t)n : wasp_fib(n - 1) + wasp_fib(n - 2);
}

#endif  // WASP_GUEST_PROGRAMS_FIB_H_
