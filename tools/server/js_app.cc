#include "tools/server/js_app.h"

#include <fstream>
#include <iterator>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/virtine.h"
#include "guest/abi/hypercall.h"
#include "guest/apps/js/js_app.h"
#include "guest/apps/js/js_app_image.h"

namespace wasp {
namespace {

// A script larger than this is not a function: refuse it early.
constexpr size_t kMaxScript = 16 << 20;
// Duktape's heap, the request's and response's copies, the stack.
constexpr uint64_t kJsWorkingMemory = 8 << 20;

absl::StatusOr<std::vector<uint8_t>> ReadScript(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(
        "--script=", path, ": cannot open it (give the path of a .js file)"));
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  if (bytes.size() > kMaxScript) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--script=%s: %d bytes, more than the %d a script "
                        "may have",
                        path, bytes.size(), kMaxScript));
  }
  return bytes;
}

// Why the app stopped before its snapshot, for the user.
std::string Reason(const CallResult& loaded, uint64_t memory_bytes,
                   absl::Duration budget) {
  std::string said(loaded.result.begin(), loaded.result.end());
  const Exit& exit = loaded.exit;
  if (exit.reason == ExitReason::Timeout) {
    return absl::StrCat("its top level ran longer than --cpu-budget=",
                        absl::FormatDuration(budget),
                        " (does it loop? else raise --cpu-budget)");
  }
  if (exit.reason == ExitReason::Exited) {
    switch (exit.exit_code) {
      case JS_APP_EXIT_SCRIPT:
      case JS_APP_EXIT_NO_HANDLE:
        return said;
      case JS_APP_EXIT_NO_MEMORY:
        break;
      default:
        return exit.ToString();
    }
  }
  if (exit.reason == ExitReason::Exited ||
      (exit.reason == ExitReason::Fault &&
       exit.fault.kind == FaultKind::kOutsideMemory)) {
    return absl::StrFormat(
        "it needs more memory than --mem gives it (%d KiB): raise --mem",
        memory_bytes >> 10);
  }
  return exit.ToString();
}

}  // namespace

uint64_t JsMemoryFor(size_t script_bytes) {
  // Duktape keeps the source's bytecode and the script's data: a few times
  // its size.
  uint64_t bytes =
      JsAppImage().bytes.size() + kJsWorkingMemory + 4 * uint64_t{script_bytes};
  return (bytes + (1 << 20) - 1) & ~uint64_t{(1 << 20) - 1};
}

Image JsAppImage() { return images::js_app(); }

absl::StatusOr<std::shared_ptr<const std::vector<uint8_t>>> LoadJsScript(
    const std::string& path, uint64_t memory_bytes, absl::Duration budget) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadScript(path));
  auto source = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  VirtineOptions options{
      .budget = budget,
      .allowlist = HypercallAllowlist::Of(
          {WASP_HC_GET_CONFIG, WASP_HC_SET_RESULT, WASP_HC_SNAPSHOT}),
      .bad_hypercalls = BadHypercallPolicy::kFault,
      .config = source};
  ASSIGN_OR_RETURN(std::unique_ptr<Virtine> virtine,
                   Virtine::Create(memory_bytes, options));
  RETURN_IF_ERROR(virtine->load(JsAppImage()));
  // A script that loads takes its snapshot and answers an empty input:
  // nothing, exit 0.
  ASSIGN_OR_RETURN(CallResult loaded, virtine->call({}, absl::Now() + budget));
  if (loaded.exit.reason == ExitReason::Exited && loaded.exit.exit_code == 0 &&
      virtine->has_snapshot()) {
    return source;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--script=", path,
      ": the script cannot serve: ", Reason(loaded, memory_bytes, budget)));
}

}  // namespace wasp
