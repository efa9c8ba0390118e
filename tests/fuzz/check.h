// The invariant checks of fuzz harnesses: a failed one aborts, which
// libFuzzer records as a crash (with the input) and a replay test as a
// failure.
#ifndef WASP_TESTS_FUZZ_CHECK_H_
#define WASP_TESTS_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define WASP_FUZZ_CHECK(condition)                                     \
  do {                                                                 \
    if (!(condition)) {                                                \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, \
                   __LINE__, #condition);                              \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

#endif  // WASP_TESTS_FUZZ_CHECK_H_
