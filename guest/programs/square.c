// Squares an int64 argument after a snapshot: the smallest function virtine.
// Exits 1 (and sets no result) if the argument is shorter than 8 bytes.
#include "guest/runtime/wasp.h"

int main(void) {
  // Only an optimisation: without a snapshot every call starts from _start.
  wasp_snapshot();
  int64_t x;
  if (wasp_get_arg(&x, sizeof x) < (long)sizeof x) return 1;
  // Unsigned, so that overflow wraps instead of being undefined.
  int64_t square = (int64_t)((uint64_t)x * (uint64_t)x);
  return wasp_set_result(&square, sizeof square) == 0 ? 0 : 3;
}
