// Running the guests of tests/guests/boot (upstream's Table 1 and Fig. 3)
// and reading what they report; shared by paper_modes and its test.
#ifndef WASP_TOOLS_ARTIFACTS_BOOT_GUESTS_H_
#define WASP_TOOLS_ARTIFACTS_BOOT_GUESTS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/image.h"
#include "engine/virtine.h"

namespace wasp::artifacts {

// The protocol of tests/guests/boot/boot.inc; boot_modes_test checks that
// the two agree.
inline constexpr uint64_t kMilestoneHypercall = 20;
inline constexpr uint64_t kFunctionHypercall = 21;
inline constexpr int kMilestoneCount = 9;
inline constexpr int64_t kFibN = 20;
inline constexpr int64_t kFibResult = 6765;
inline constexpr int64_t kFibRepeat = 10;
// Memory of every boot-guest virtine: page tables, TSC table and stack
// below the image at 0x8000.
inline constexpr uint64_t kBootGuestMemory = 64 << 10;

// The name of each milestone (boot.inc's BOOT_M_*), in boot order.
extern const std::array<const char*, kMilestoneCount> kMilestoneNames;
// The step that ends at milestone i (i >= 1): Table 1's rows.
extern const std::array<const char*, kMilestoneCount> kStepNames;

struct Milestone {
  int id = 0;
  uint64_t tsc = 0;  // the guest's TSC
};

struct BootTrace {
  std::vector<Milestone> milestones;  // in the order they were reported
  // Host TSC cycles of the run() that ended at the first report: the whole
  // boot plus one exit.
  uint64_t host_cycles = 0;
  int64_t exit_code = 0;
};

// Runs a loaded (or reset) boot_long virtine until it exits. An error if it
// stops any other way; the order of the milestones is the caller's to check.
absl::StatusOr<BootTrace> RunBoot(Virtine& virtine, absl::Duration budget);

struct FunctionRun {
  int64_t result = 0;         // what the guest reported
  uint64_t guest_cycles = 0;  // guest TSC cycles of kFibRepeat calls
  // Host TSC cycles of the run() that ended at the report: entry, any mode
  // switches, the function and one exit.
  uint64_t host_cycles = 0;
  int64_t exit_code = 0;
};

// Runs a loaded (or reset) mode_* virtine until it exits.
absl::StatusOr<FunctionRun> RunFunction(Virtine& virtine,
                                        absl::Duration budget);

// Fig. 3's guests: the same function in each processor mode.
struct ModeGuest {
  std::string name;         // short, for CSV files
  std::string description;  // for tables
  Image image;
  Mode mode;  // the machine the virtine starts in
};
std::vector<ModeGuest> ModeGuests();

// A virtine with kBootGuestMemory in `mode`, `image` loaded.
absl::StatusOr<std::unique_ptr<Virtine>> LoadedVirtine(const Image& image,
                                                       Mode mode);

uint64_t ReadTsc();
// TSC ticks per microsecond, measured against CLOCK_MONOTONIC_RAW.
double CalibrateTscMhz(absl::Duration window = absl::Milliseconds(50));

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_BOOT_GUESTS_H_
