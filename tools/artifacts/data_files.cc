#include "tools/artifacts/data_files.h"

#include <cstdio>

#include "absl/status/status.h"
#include "tools/common/child_process.h"

namespace wasp::artifacts {

bool WriteDataFiles(const std::string& dir,
                    const std::vector<DataFile>& files) {
  if (dir.empty()) return true;
  bool ok = true;
  for (const DataFile& file : files) {
    absl::Status written = WriteFile(dir + "/" + file.name, file.text);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.ToString().c_str());
      ok = false;
    }
  }
  if (ok) std::printf("\n%s%s\n", kDataWritten, dir.c_str());
  return ok;
}

}  // namespace wasp::artifacts
