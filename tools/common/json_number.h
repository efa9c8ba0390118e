// Reads one number out of a flat JSON report (wasp-load --json) without a
// JSON library: enough for reports whose keys are unique within a scope.
#ifndef WASP_TOOLS_COMMON_JSON_NUMBER_H_
#define WASP_TOOLS_COMMON_JSON_NUMBER_H_

#include <string>

namespace wasp {

// The number after `"key":` in `json`, searched from the first `"scope":`
// when a scope is given; -1 if absent.
double JsonNumber(const std::string& json, const std::string& key,
                  const std::string& scope = "");

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_JSON_NUMBER_H_
