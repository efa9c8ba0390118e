// fib(n) by naive recursion after a snapshot: the CPU-bound workload of the
// Wasp paper (Fig. 11). Reads an int64 n, sets an int64 result, exits 0;
// exits 1 if the argument is shorter than 8 bytes.
#include "guest/runtime/wasp.h"

// Exponential on purpose; wraps past fib(92) rather than being undefined.
static uint64_t fib(int64_t n) {
  return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2);
}

int main(void) {
  // Only an optimisation: without a snapshot every call starts from _start.
  wasp_snapshot();
  int64_t n;
  if (wasp_get_arg(&n, sizeof n) < (long)sizeof n) return 1;
  int64_t result = (int64_t)fib(n);
  return wasp_set_result(&result, sizeof result) == 0 ? 0 : 3;
}
