// The virtine functions of vcc_bench, compiled twice from functions.c: by
// vcc (each runs in a virtine) and natively, with a native_ prefix.
#ifndef WASP_TOOLS_BENCH_VCC_FUNCTIONS_H_
#define WASP_TOOLS_BENCH_VCC_FUNCTIONS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int64_t square(int64_t x);
uint64_t fib(int64_t n);
// fib again, for the run without snapshots: each function's virtines read
// WASP_NO_SNAPSHOT at its first call.
uint64_t fib_fresh(int64_t n);

int64_t native_square(int64_t x);
uint64_t native_fib(int64_t n);

#ifdef __cplusplus
}
#endif

#endif  // WASP_TOOLS_BENCH_VCC_FUNCTIONS_H_
