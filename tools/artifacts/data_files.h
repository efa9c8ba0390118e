// How the paper's programs hand their data to wasp-artifacts: CSV files
// written into --out DIR, then one line that ends the console table the
// README shows.
#ifndef WASP_TOOLS_ARTIFACTS_DATA_FILES_H_
#define WASP_TOOLS_ARTIFACTS_DATA_FILES_H_

#include <string>
#include <vector>

namespace wasp::artifacts {

// The start of that line: "CSV written to DIR".
inline constexpr char kDataWritten[] = "CSV written to ";

struct DataFile {
  std::string name;  // in the directory: "fig4.csv"
  std::string text;
};

// Writes each file into `dir` (a failure named on stderr), then prints
// "\nCSV written to DIR" when all were written. False if one was not; true
// without writing when `dir` is "" (no --out).
bool WriteDataFiles(const std::string& dir, const std::vector<DataFile>& files);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_DATA_FILES_H_
