// The bytes wasp-load sends: one HTTP/1.1 request (sent again and again)
// or an echo payload, and the --header list.
#ifndef WASP_TOOLS_LOAD_REQUEST_H_
#define WASP_TOOLS_LOAD_REQUEST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/load/target.h"

namespace wasp::load {

// Splits "A: 1, 2,B: 3" into {"A: 1, 2", "B: 3"}: a comma starts a new
// header only when what follows looks like "Name:", so values may hold
// commas.
std::vector<std::string> SplitHeaderList(absl::string_view list);

// The values of every --header occurrence in argv ("--header=V",
// "--header V", with one or two dashes), in order.
std::vector<std::string> RepeatedFlagValues(int argc, char** argv,
                                            absl::string_view name);

// "METHOD PATH HTTP/1.1", Host (unless `headers` has one), the headers, and
// "Connection: close" without keep-alive.
absl::StatusOr<std::string> HttpRequest(const Target& target,
                                        absl::string_view method,
                                        const std::vector<std::string>& headers,
                                        bool keepalive);

// `size` bytes of printable text.
std::string EchoPayload(size_t size);

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_REQUEST_H_
