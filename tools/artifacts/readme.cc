#include "tools/artifacts/readme.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wasp::artifacts {

std::string Readme(const ArtifactsReadme& readme) {
  std::string md = absl::StrCat(
      "# Wasp: the upstream paper's experiments\n\n"
      "Produced by `",
      readme.command,
      "` (wasp-artifacts, in tools/artifacts; the counterpart of upstream's "
      "`make artifacts.tar`). Upstream's published figures and what differs "
      "between the machines: `docs/paper-comparison.md`.\n\n"
      "## Machine\n\n",
      FactsTable(readme.machine), "\n## Commands\n\n```sh\n");
  for (const std::string& command : readme.commands) {
    absl::StrAppend(&md, command, "\n");
  }
  if (readme.commands.empty()) absl::StrAppend(&md, "# not recorded\n");
  absl::StrAppend(
      &md, "```\n\n## Contents\n\n",
      TableHead({"paper", "figure", "data"}, {false, false, false}));
  for (const ContentsRow& row : readme.contents) {
    absl::StrAppend(&md, TableRow({row.paper, row.figure, row.data}));
  }
  absl::StrAppend(
      &md, "\nConsole output of each program: ",
      readme.consoles.empty() ? "none" : absl::StrJoin(readme.consoles, ", "),
      ". Times are microseconds unless a column says cycles; the "
      "machines are noisy, so compare ratios from one run.\n");
  for (const ConsoleExcerpt& excerpt : readme.excerpts) {
    absl::StrAppend(&md, "\n## ", excerpt.heading, "\n\n```\n", excerpt.text,
                    "```\n");
  }
  return md;
}

std::vector<std::string> CommandsOf(const std::string& readme) {
  std::vector<std::string> commands;
  std::string block = ConsoleSection(readme, "```sh", "```");
  for (absl::string_view line : absl::StrSplit(block, '\n')) {
    if (line.empty() || line == "```sh") continue;
    commands.emplace_back(line);
  }
  return commands;
}

std::string TscFact(const std::string& machine_csv) {
  for (absl::string_view line : absl::StrSplit(machine_csv, '\n')) {
    if (absl::ConsumePrefix(&line, "tsc_mhz,") && !line.empty()) {
      return absl::StrCat(absl::StripAsciiWhitespace(line), " MHz");
    }
  }
  return "not measured";
}

std::string Virtualization(bool kvm_pvm, const std::string& cpu_flags) {
  if (kvm_pvm) {
    return "KVM through PVM (software virtualization, no VT-x/SVM): guest "
           "code in real mode and at CPL0 is emulated, CPL3 runs natively";
  }
  for (absl::string_view flag : absl::StrSplit(cpu_flags, ' ')) {
    if (flag == "vmx" || flag == "svm") {
      return absl::StrCat("hardware KVM (", flag, ")");
    }
  }
  return "KVM without vmx/svm in /proc/cpuinfo (nested or paravirtualized)";
}

}  // namespace wasp::artifacts
