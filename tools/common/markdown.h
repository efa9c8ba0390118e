// What the tools' Markdown reports are made of: tables, and sections of a
// program's console output shown as they were printed.
#ifndef WASP_TOOLS_COMMON_MARKDOWN_H_
#define WASP_TOOLS_COMMON_MARKDOWN_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace wasp {

// A row of a two-column table without a header: name, value.
using Fact = std::pair<std::string, std::string>;
std::string FactsTable(const std::vector<Fact>& facts);

// A table's header line and its rule ("---:" where `right_aligned`).
std::string TableHead(const std::vector<std::string>& names,
                      const std::vector<bool>& right_aligned);
std::string TableRow(const std::vector<std::string>& cells);

// The lines of `text` from the first that starts with `start` up to the
// next that starts with `stop` (that one left out; to the end when `stop`
// is empty or no line starts with it), each ending in a newline; "" when
// no line starts with `start`.
std::string ConsoleSection(absl::string_view text, absl::string_view start,
                           absl::string_view stop = "");

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_MARKDOWN_H_
