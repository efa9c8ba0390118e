#include "tools/common/markdown.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace wasp {

std::string FactsTable(const std::vector<Fact>& facts) {
  std::string md = "| | |\n| --- | --- |\n";
  for (const auto& [name, value] : facts) {
    absl::StrAppend(&md, "| ", name, " | ", value, " |\n");
  }
  return md;
}

std::string TableHead(const std::vector<std::string>& names,
                      const std::vector<bool>& right_aligned) {
  std::string head = absl::StrCat("| ", absl::StrJoin(names, " | "), " |\n|");
  for (bool right : right_aligned)
    absl::StrAppend(&head, right ? " ---: |" : " --- |");
  return head + "\n";
}

std::string TableRow(const std::vector<std::string>& cells) {
  return absl::StrCat("| ", absl::StrJoin(cells, " | "), " |\n");
}

std::string ConsoleSection(absl::string_view text, absl::string_view start,
                           absl::string_view stop) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (absl::EndsWith(text, "\n")) lines.pop_back();
  std::string section;
  bool in = false;
  for (absl::string_view line : lines) {
    if (!in && !absl::StartsWith(line, start)) continue;
    if (in && !stop.empty() && absl::StartsWith(line, stop)) break;
    in = true;
    absl::StrAppend(&section, line, "\n");
  }
  return section;
}

}  // namespace wasp
