#include "tools/bench/vcc/functions.h"

#include <virtine.h>

#include "guest/programs/fib.h"

virtine int64_t square(int64_t x) { return x * x; }
virtine uint64_t fib(int64_t n) { return wasp_fib(n); }
virtine uint64_t fib_fresh(int64_t n) { return wasp_fib(n); }
