// The artifacts' README.md: the machine, the commands that made the data,
// what each file is, and the tables the programs printed.
#ifndef WASP_TOOLS_ARTIFACTS_README_H_
#define WASP_TOOLS_ARTIFACTS_README_H_

#include <string>
#include <vector>

#include "tools/common/markdown.h"

namespace wasp::artifacts {

// A row of the contents table.
struct ContentsRow {
  std::string paper;   // "Fig. 4: echo server boot latency"
  std::string figure;  // "fig4.png", or "-"
  std::string data;    // what data/ holds for it, or why nothing
};

// Lines a program printed, under a heading of their own.
struct ConsoleExcerpt {
  std::string heading;
  std::string text;
};

struct ArtifactsReadme {
  std::string command;  // what wrote this README
  std::vector<Fact> machine;
  std::vector<std::string> commands;  // what made the data, in order
  std::vector<ContentsRow> contents;
  std::vector<std::string> consoles;  // "data/paper_modes.txt", ...
  std::vector<ConsoleExcerpt> excerpts;
};

std::string Readme(const ArtifactsReadme& readme);

// The commands of an earlier README (its ```sh block), for a README
// written again from its data.
std::vector<std::string> CommandsOf(const std::string& readme);

// The machine table's TSC row from paper_modes_machine.csv
// ("tsc_mhz,2445.4"): "2445.4 MHz", or "not measured".
std::string TscFact(const std::string& machine_csv);

// How KVM runs on this machine, from whether the kvm_pvm module is loaded
// and the CPU's flags (/proc/cpuinfo).
std::string Virtualization(bool kvm_pvm, const std::string& cpu_flags);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_README_H_
