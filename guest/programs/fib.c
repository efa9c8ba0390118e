// fib(n) by naive recursion after a snapshot: the CPU-bound workload of the
// Wasp paper (Fig. 11). Reads an int64 n, sets an int64 result, exits 0;
// exits 1 if the argument is shorter than 8 bytes.
#include "guest/programs/fib.h"
#include "guest/runtime/wasp.h"

int main(void) {
  // Only an optimisation: without a snapshot every call starts from _start.
  wasp_snapshot();
  int64_t n;
  if (wasp_get_arg(&n, sizeof n) < (long)sizeof n) return 1;
  int64_t result = (int64_t)wasp_fib(n);
  return wasp_set_result(&result, sizeof result) == 0 ? 0 : 3;
}
