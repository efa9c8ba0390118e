// For tests: a program started with its stdout and stderr in files.
#ifndef WASP_TESTS_TESTING_SPAWN_H_
#define WASP_TESTS_TESTING_SPAWN_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace wasp::testing {

// Starts `args` (args[0] a path) with stdout in `out` and stderr in `err`
// (one file if they are the same path); -1 if it did not start.
pid_t Spawn(std::vector<std::string> args, const std::string& out,
            const std::string& err);

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_SPAWN_H_
