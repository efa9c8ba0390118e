#include "tests/testing/nasm_defines.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wasp::testing {

absl::StatusOr<std::map<std::string, int64_t>> ReadNasmDefines(
    const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(path, " is not in the test's runfiles (add it to data)"));
  }
  std::map<std::string, int64_t> defines;
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream words(line);
    std::string directive, name, value;
    if (!(words >> directive >> name >> value) || directive != "%define") {
      continue;
    }
    int64_t number;
    bool hex = value.rfind("0x", 0) == 0 || value.rfind("0X", 0) == 0;
    if (hex ? absl::SimpleHexAtoi(value.substr(2), &number)
            : absl::SimpleAtoi(value, &number)) {
      defines[name] = number;
    }
  }
  return defines;
}

}  // namespace wasp::testing
