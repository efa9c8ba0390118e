// The `wasp` command: runs a flat image in a virtine (`wasp run`), or a
// built-in greeting virtine (`wasp demo`).
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/clock.h"
#include "engine/console.h"
#include "engine/virtine.h"
#include "guest/programs/hello_image.h"
#include "tools/common/byte_size.h"
#include "tools/common/flag_names.h"

ABSL_FLAG(std::string, mem, "1M",
          "guest memory: bytes, or a number with a K, M or G suffix");
ABSL_FLAG(std::string, load_addr, "0x8000",
          "guest address the image is loaded at and starts from");
ABSL_FLAG(std::string, mode, "long",
          "`long` (64-bit at CPL3, the fast path) or `real` (16-bit, as "
          "upstream Wasp)");
ABSL_FLAG(int64_t, timeout_ms, 1000,
          "CPU-time budget of the guest in milliseconds (0: none)");

namespace wasp {
namespace {

// Exit statuses besides the guest's own exit code.
constexpr int kStatusHostError = 1;
constexpr int kStatusUsage = 2;
constexpr int kStatusTimeout = 124;  // as timeout(1)
constexpr int kStatusFault = 125;

absl::StatusOr<VirtineOptions> OptionsFromFlags(const HypercallTable& table) {
  VirtineOptions options;
  std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "long") {
    options.mode = Mode::kLong;
  } else if (mode == "real") {
    options.mode = Mode::kReal;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--mode=", mode, ": expected `long` or `real`"));
  }
  int64_t timeout_ms = absl::GetFlag(FLAGS_timeout_ms);
  if (timeout_ms < 0) {
    return absl::InvalidArgumentError("--timeout_ms must not be negative");
  }
  options.budget = timeout_ms == 0 ? absl::InfiniteDuration()
                                   : absl::Milliseconds(timeout_ms);
  options.hypercalls = &table;
  options.allowlist =
      HypercallAllowlist::Of({WASP_HC_WRITE, WASP_HC_HOST_GETTIMEOFDAY});
  return options;
}

// Runs until the guest stops; prints one line saying how, returns the status.
int RunToEnd(Virtine& virtine) {
  absl::Time deadline = absl::Now() + virtine.options().budget;
  for (;;) {
    absl::StatusOr<Exit> exit = virtine.run(deadline);
    if (!exit.ok()) {
      absl::FPrintF(stderr, "wasp: %s\n", exit.status().ToString());
      return kStatusHostError;
    }
    switch (exit->reason) {
      case ExitReason::Exited:
        absl::FPrintF(stderr, "wasp: guest exited with code %d\n",
                      exit->exit_code);
        return static_cast<int>(exit->exit_code & 0xFF);
      case ExitReason::Halted:
        absl::FPrintF(stderr, "wasp: guest halted\n");
        return 0;
      case ExitReason::Timeout:
        absl::FPrintF(stderr, "wasp: guest timed out after %s of CPU time\n",
                      absl::FormatDuration(virtine.options().budget));
        return kStatusTimeout;
      case ExitReason::Fault:
        absl::FPrintF(stderr, "wasp: guest fault: %s\n",
                      exit->fault.ToString());
        return kStatusFault;
      case ExitReason::Hypercall:
        continue;  // not reached: every hypercall has a handler or an error
    }
  }
}

int Run(const std::vector<char*>& args, bool demo) {
  HypercallTable table;
  // The console and the clock: what newlib images (docs/guest-libc.md) use.
  absl::Status registered =
      table.Register(WASP_HC_WRITE, ConsoleWriteHandler(STDOUT_FILENO));
  if (registered.ok()) {
    registered = table.Register(WASP_HC_HOST_GETTIMEOFDAY, TimeOfDayHandler());
  }
  if (!registered.ok()) {
    absl::FPrintF(stderr, "wasp: %s\n", registered.ToString());
    return kStatusHostError;
  }
  absl::StatusOr<VirtineOptions> options = OptionsFromFlags(table);
  absl::StatusOr<uint64_t> memory =
      ParseByteSize("mem", absl::GetFlag(FLAGS_mem));
  absl::StatusOr<uint64_t> load_address =
      ParseByteSize("load_addr", absl::GetFlag(FLAGS_load_addr));
  for (const absl::Status& status :
       {options.status(), memory.status(), load_address.status()}) {
    if (!status.ok()) {
      absl::FPrintF(stderr, "wasp: %s\n", status.message());
      return kStatusUsage;
    }
  }
  Virtine virtine(*options);
  absl::Status status = virtine.allocate_memory(*memory);
  if (status.ok()) {
    status = demo ? virtine.load(images::hello())
                  : virtine.load_binary(args[2], *load_address);
  }
  if (!status.ok()) {
    absl::FPrintF(stderr, "wasp: %s\n", status.ToString());
    return kStatusHostError;
  }
  return RunToEnd(virtine);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs guest images in virtines.\n\n"
      "  wasp run IMAGE [--mem=1M] [--load-addr=0x8000] [--mode=long|real] "
      "[--timeout-ms=1000]\n"
      "  wasp demo     runs a built-in demo virtine\n\n"
      "Exit status: the guest's exit code; 124 on timeout, 125 on a guest "
      "fault, 1 on a host error, 2 on bad usage.");
  ListToolFlagsInHelp();
  UnderscoreFlagNames(argc, argv);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::string command = args.size() > 1 ? args[1] : "";
  if (command == "run" && args.size() == 3) return Run(args, /*demo=*/false);
  if (command == "demo" && args.size() == 2) return Run(args, /*demo=*/true);
  absl::FPrintF(stderr, "%s\n", absl::ProgramUsageMessage());
  return kStatusUsage;
}

}  // namespace
}  // namespace wasp

int main(int argc, char** argv) { return wasp::Main(argc, argv); }
