// Reads the numeric `%define NAME VALUE` lines of a nasm include, so that a
// test can check them against the C++ side of the same contract.
#ifndef WASP_TESTS_TESTING_NASM_DEFINES_H_
#define WASP_TESTS_TESTING_NASM_DEFINES_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace wasp::testing {

// NAME -> VALUE for every define whose value is a decimal or 0x-hex number
// (others, such as expressions, are skipped); NotFound if `path` (relative
// to the test's runfiles) cannot be read.
absl::StatusOr<std::map<std::string, int64_t>> ReadNasmDefines(
    const std::string& path);

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_NASM_DEFINES_H_
