#include "tools/common/json_number.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace wasp {

double JsonNumber(const std::string& json, const std::string& key,
                  const std::string& scope) {
  size_t from = 0;
  if (!scope.empty()) {
    from = json.find(absl::StrCat("\"", scope, "\":"));
    if (from == std::string::npos) return -1;
  }
  std::string needle = absl::StrCat("\"", key, "\":");
  size_t at = json.find(needle, from);
  if (at == std::string::npos) return -1;
  at += needle.size();
  size_t end = json.find_first_of(",}", at);
  double value;
  if (!absl::SimpleAtod(json.substr(at, end - at), &value)) return -1;
  return value;
}

}  // namespace wasp
