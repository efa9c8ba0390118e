#include "tools/artifacts/boot_guests.h"

#include <time.h>
#include <x86intrin.h>

#include "absl/strings/str_format.h"
#include "tests/guests/boot/mode_long_cpl3_image.h"
#include "tests/guests/boot/mode_long_image.h"
#include "tests/guests/boot/mode_protected_image.h"
#include "tests/guests/boot/mode_real_image.h"

namespace wasp::artifacts {
namespace {

absl::Status Unexpected(const Exit& exit, absl::string_view waiting_for) {
  return absl::InternalError(absl::StrFormat(
      "waiting for %s, the guest stopped: %s", waiting_for, exit.ToString()));
}

// A 64-bit value that the guest passed as two 32-bit halves.
uint64_t Halves(uint64_t low, uint64_t high) {
  return (high & 0xFFFFFFFF) << 32 | (low & 0xFFFFFFFF);
}

int64_t NanosNow() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC_RAW, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

}  // namespace

const std::array<const char*, kMilestoneCount> kMilestoneNames = {
    "entry",       "second_read", "gdt32", "pe",   "protected",
    "page_tables", "paging",      "gdt64", "long",
};

const std::array<const char*, kMilestoneCount> kStepNames = {
    "",
    "First instruction (one TSC read)",
    "Load 32-bit GDT",
    "Protected mode enable (CR0.PE)",
    "Protected transition (far jump)",
    "Identity page tables (1 GiB, 2 MiB pages)",
    "Paging on (CR3, CR4.PAE, EFER.LME, CR0.PG)",
    "Load 64-bit GDT",
    "Jump to 64-bit (far jump)",
};

absl::StatusOr<BootTrace> RunBoot(Virtine& virtine, absl::Duration budget) {
  BootTrace trace;
  uint64_t start = ReadTsc();
  absl::StatusOr<Exit> exit = virtine.run(absl::Now() + budget);
  trace.host_cycles = ReadTsc() - start;
  for (;;) {
    if (!exit.ok()) return exit.status();
    if (exit->reason == ExitReason::Exited) {
      trace.exit_code = exit->exit_code;
      return trace;
    }
    if (exit->reason != ExitReason::Hypercall ||
        exit->hypercall.number != kMilestoneHypercall) {
      return Unexpected(*exit, "a milestone");
    }
    if (trace.milestones.size() >= kMilestoneCount) {
      return absl::InternalError("the guest reports too many milestones");
    }
    const auto& args = exit->hypercall.args;
    trace.milestones.push_back(
        {static_cast<int>(args[0]), Halves(args[1], args[2])});
    exit = virtine.run(absl::Now() + budget);
  }
}

absl::StatusOr<FunctionRun> RunFunction(Virtine& virtine,
                                        absl::Duration budget) {
  FunctionRun run;
  uint64_t start = ReadTsc();
  absl::StatusOr<Exit> exit = virtine.run(absl::Now() + budget);
  run.host_cycles = ReadTsc() - start;
  if (!exit.ok()) return exit.status();
  if (exit->reason != ExitReason::Hypercall ||
      exit->hypercall.number != kFunctionHypercall) {
    return Unexpected(*exit, "the function's report");
  }
  run.result = static_cast<int64_t>(exit->hypercall.args[0]);
  run.guest_cycles = Halves(exit->hypercall.args[1], exit->hypercall.args[2]);
  exit = virtine.run(absl::Now() + budget);
  if (!exit.ok()) return exit.status();
  if (exit->reason != ExitReason::Exited) return Unexpected(*exit, "the exit");
  run.exit_code = exit->exit_code;
  return run;
}

std::vector<ModeGuest> ModeGuests() {
  return {
      {"real", "16-bit real mode", images::mode_real(), Mode::kReal},
      {"protected", "32-bit protected mode (guest switches)",
       images::mode_protected(), Mode::kReal},
      {"long_cpl0", "64-bit long mode, CPL0 (guest boots itself)",
       images::mode_long(), Mode::kReal},
      {"long_cpl3", "64-bit long mode, CPL3 (Wasp: host-built)",
       images::mode_long_cpl3(), Mode::kLong},
  };
}

absl::StatusOr<std::unique_ptr<Virtine>> LoadedVirtine(const Image& image,
                                                       Mode mode) {
  absl::StatusOr<std::unique_ptr<Virtine>> virtine =
      Virtine::Create(kBootGuestMemory, {.mode = mode});
  if (!virtine.ok()) return virtine.status();
  if (absl::Status status = (*virtine)->load(image); !status.ok()) {
    return status;
  }
  return virtine;
}

uint64_t ReadTsc() { return __rdtsc(); }

double CalibrateTscMhz(absl::Duration window) {
  int64_t start_ns = NanosNow();
  uint64_t start = ReadTsc();
  int64_t end_ns;
  do {
    end_ns = NanosNow();
  } while (end_ns - start_ns < absl::ToInt64Nanoseconds(window));
  uint64_t end = ReadTsc();
  return static_cast<double>(end - start) * 1e3 /
         static_cast<double>(end_ns - start_ns);
}

}  // namespace wasp::artifacts
