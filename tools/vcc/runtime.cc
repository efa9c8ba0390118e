#include "tools/vcc/runtime.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/cache.h"
#include "engine/console.h"
#include "engine/image.h"
#include "engine/virtine.h"
#include "guest/abi/hypercall.h"
#include "tools/vcc/host_files.h"

// The pass builds these structs in IR: their layout is the ABI.
static_assert(sizeof(wasp_vcc_image) == 72, "ABI");
static_assert(offsetof(wasp_vcc_image, name) == 0, "ABI");
static_assert(offsetof(wasp_vcc_image, bytes) == 8, "ABI");
static_assert(offsetof(wasp_vcc_image, size) == 16, "ABI");
static_assert(offsetof(wasp_vcc_image, load_address) == 24, "ABI");
static_assert(offsetof(wasp_vcc_image, entry) == 32, "ABI");
static_assert(offsetof(wasp_vcc_image, read_only_size) == 40, "ABI");
static_assert(offsetof(wasp_vcc_image, memory_bytes) == 48, "ABI");
static_assert(offsetof(wasp_vcc_image, allowlist) == 56, "ABI");
static_assert(offsetof(wasp_vcc_image, state) == 64, "ABI");
static_assert(sizeof(wasp_vcc_buffer_ref) == 32, "ABI");
static_assert(offsetof(wasp_vcc_buffer_ref, data) == 0, "ABI");
static_assert(offsetof(wasp_vcc_buffer_ref, count) == 8, "ABI");
static_assert(offsetof(wasp_vcc_buffer_ref, element_size) == 16, "ABI");
static_assert(offsetof(wasp_vcc_buffer_ref, direction) == 24, "ABI");
static_assert(offsetof(wasp_vcc_buffer_ref, flags) == 28, "ABI");

namespace wasp::vcc {
namespace {

constexpr uint64_t kDefaultMemory = 1 << 20;
// VIRTINE_ALLOW_WRITE of tools/vcc/include/virtine.h.
constexpr uint64_t kUpstreamAllowWrite = 1 << 10;
constexpr uint64_t kNoAllowlist = ~0ull;
// How long a call waits for a virtine when every one of the pool is busy.
constexpr absl::Duration kPoolWait = absl::Seconds(10);

// An image's state: a pool of virtines restored from its snapshot. Never
// destroyed: images are globals, called until the process ends.
class VirtineFunction final {
 public:
  static absl::StatusOr<std::unique_ptr<VirtineFunction>> Create(
      const wasp_vcc_image& image);
  VirtineFunction(const VirtineFunction&) = delete;
  VirtineFunction& operator=(const VirtineFunction&) = delete;

  absl::StatusOr<CallResult> Call(absl::Span<const uint8_t> argument) {
    return cache_->call(argument, budget_);
  }
  absl::Duration budget() const { return budget_; }

 private:
  VirtineFunction() = default;

  absl::Duration budget_;
  HypercallTable hypercalls_;  // the cache's virtines point here
  std::unique_ptr<Cache> cache_;
};

// Flushes the host's stdout first, so that its lines and the guest's come
// out in the order they were written.
HypercallHandler StdoutWriteHandler() {
  return [write = ConsoleWriteHandler(1)](Virtine& virtine,
                                          const Hypercall& call) {
    std::fflush(stdout);
    return write(virtine, call);
  };
}

std::string LoadError(const absl::Status& status) {
  std::string error =
      absl::StrCat("cannot start its virtine: ", status.message());
  if (absl::StrContains(status.message(), "/dev/kvm")) {
    absl::StrAppend(&error,
                    "; virtines need KVM: check that /dev/kvm exists and that "
                    "you are in group kvm");
  } else if (absl::StrContains(absl::AsciiStrToLower(status.message()),
                               "kvm")) {
    absl::StrAppend(&error, "; virtines need a working KVM on this host");
  } else {
    absl::StrAppend(&error,
                    "; check the function's virtine_memory() and rebuild the "
                    "program with vcc");
  }
  return error;
}

absl::StatusOr<std::unique_ptr<VirtineFunction>> VirtineFunction::Create(
    const wasp_vcc_image& image) {
  ASSIGN_OR_RETURN(absl::Duration budget,
                   BudgetFromEnvironment(std::getenv("WASP_VCC_BUDGET_MS")));
  auto function = std::unique_ptr<VirtineFunction>(new VirtineFunction());
  function->budget_ = budget;
  RETURN_IF_ERROR(
      function->hypercalls_.Register(WASP_HC_WRITE, StdoutWriteHandler()));
  RETURN_IF_ERROR(RegisterHostFileHandlers(function->hypercalls_));
  CacheOptions options{
      .virtine = {.mode = Mode::kLong,
                  .budget = budget,
                  .hypercalls = &function->hypercalls_,
                  .allowlist = AllowlistFor(image.allowlist)},
      .max_virtines = 2 * std::max(1u, std::thread::hardware_concurrency()),
      .wait = kPoolWait,
      .shared = true,
  };
  function->cache_ = std::make_unique<Cache>(
      image.memory_bytes == 0 ? kDefaultMemory : image.memory_bytes, options);
  absl::Status loaded = function->cache_->load(Image{
      .name = image.name == nullptr ? "" : image.name,
      .bytes = {image.bytes, static_cast<size_t>(image.size)},
      .load_address = image.load_address,
      .entry = image.entry,
      .read_only_size = image.read_only_size,
  });
  if (!loaded.ok()) return absl::Status(loaded.code(), LoadError(loaded));
  return function;
}

// Serialises only the creation of images' states, each once. std::mutex,
// not absl::Mutex: ThreadSanitizer sees its synchronisation.
constinit std::mutex creation_mu;

absl::StatusOr<VirtineFunction*> FunctionOf(wasp_vcc_image& image) {
  std::atomic_ref<void*> state(image.state);
  if (void* function = state.load(std::memory_order_acquire)) {
    return static_cast<VirtineFunction*>(function);
  }
  std::lock_guard lock(creation_mu);
  if (void* function = state.load(std::memory_order_relaxed)) {
    return static_cast<VirtineFunction*>(function);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<VirtineFunction> function,
                   VirtineFunction::Create(image));
  state.store(function.get(), std::memory_order_release);
  return function.release();
}

absl::Status CheckReturnLength(uint64_t length) {
  if (length <= WASP_CALL_RESULT_MAX) return absl::OkStatus();
  return absl::OutOfRangeError(absl::StrFormat(
      "its return value of %u bytes is %u over the limit of "
      "WASP_CALL_RESULT_MAX (%u); return a smaller type, or pass an out "
      "pointer",
      length, length - WASP_CALL_RESULT_MAX, WASP_CALL_RESULT_MAX));
}

// The pointers of a C call, which a span cannot check.
absl::Status CheckPointers(const void* args, uint64_t args_length,
                           const void* buffers, uint32_t buffer_count,
                           const void* ret, uint64_t return_length,
                           const void* descriptors, uint32_t descriptor_count) {
  if (args == nullptr && args_length > 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the call passed no argument struct for %u bytes of arguments; the "
        "code calling wasp_vcc_call is broken: rebuild it with vcc",
        args_length));
  }
  if (buffers == nullptr && buffer_count > 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the call passed no buffer table for %u pointer buffers; the code "
        "calling wasp_vcc_call is broken: rebuild it with vcc",
        buffer_count));
  }
  if (ret == nullptr && return_length > 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the call passed nowhere to put its %u-byte return value; the code "
        "calling wasp_vcc_call is broken: rebuild it with vcc",
        return_length));
  }
  if (descriptors == nullptr && descriptor_count > 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the call passed no descriptor table for %u descriptors; the code "
        "calling wasp_vcc_call is broken: rebuild it with vcc",
        descriptor_count));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BufferSpans> ResolveBuffers(
    absl::Span<const wasp_vcc_buffer_ref> refs) {
  RETURN_IF_ERROR(CheckBufferCount(refs.size()));
  BufferSpans spans;
  for (size_t i = 0; i < refs.size(); ++i) {
    const wasp_vcc_buffer_ref& ref = refs[i];
    BufferSpan span{.data = static_cast<uint8_t*>(ref.data),
                    .direction = ref.direction};
    if (ref.flags & ~WASP_VCC_STRING) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "pointer buffer %u has unknown flags %#x; rebuild the program with "
          "the vcc this runtime came with",
          i, ref.flags));
    }
    if (ref.flags & WASP_VCC_STRING) {
      if (ref.data == nullptr) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "string parameter %u is null; pass a NUL-terminated string", i));
      }
      span.length = std::strlen(static_cast<const char*>(ref.data)) + 1;
    } else if (__builtin_mul_overflow(ref.count, ref.element_size,
                                      &span.length)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "pointer buffer %u of %u elements of %u bytes each is larger than "
          "memory; pass a smaller count",
          i, ref.count, ref.element_size));
    }
    spans.push_back(span);
  }
  return spans;
}

absl::StatusOr<absl::Duration> BudgetFromEnvironment(const char* value) {
  if (value == nullptr || *value == '\0') return VirtineOptions().budget;
  int64_t milliseconds = 0;
  if (!absl::SimpleAtoi(value, &milliseconds) || milliseconds <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "WASP_VCC_BUDGET_MS is \"%s\"; set it to a positive number of "
        "milliseconds (the CPU time one call may use) or unset it for the "
        "default of %d",
        value, absl::ToInt64Milliseconds(VirtineOptions().budget)));
  }
  return absl::Milliseconds(milliseconds);
}

HypercallAllowlist AllowlistFor(uint64_t virtine_allow_mask) {
  // A call needs these: the snapshot, and the argument and result for a
  // guest that runs without a call area.
  HypercallAllowlist allowlist = HypercallAllowlist::Of(
      {WASP_HC_SNAPSHOT, WASP_HC_GET_ARG, WASP_HC_SET_RESULT});
  if (virtine_allow_mask == kNoAllowlist ||
      (virtine_allow_mask & kUpstreamAllowWrite) != 0) {
    allowlist.Allow(WASP_HC_WRITE);
  }
  for (uint64_t number : HostFileHypercalls(virtine_allow_mask)) {
    allowlist.Allow(number);
  }
  return allowlist;
}

absl::Status CheckExit(const Exit& exit, absl::Duration budget) {
  switch (exit.reason) {
    case ExitReason::Exited:
      if (exit.exit_code == 0) return absl::OkStatus();
      return absl::AbortedError(absl::StrFormat(
          "its virtine exited with code %d instead of returning: the guest "
          "side refused the call (see the codes in guest/abi/vcc_call.h) or "
          "the function exited; rebuild the program with one vcc, and do "
          "not exit from a virtine function",
          exit.exit_code));
    case ExitReason::Fault:
      return absl::AbortedError(absl::StrCat(
          "its virtine faulted: ", exit.fault.ToString(),
          "; a virtine sees none of the caller's memory: pass what it reads "
          "as parameters (virtine_in/out/inout/str), and fix the function"));
    case ExitReason::Timeout:
      return absl::DeadlineExceededError(absl::StrFormat(
          "its virtine used up its CPU budget of %d ms; make the call do "
          "less, or raise WASP_VCC_BUDGET_MS",
          absl::ToInt64Milliseconds(budget)));
    case ExitReason::Halted:
      return absl::AbortedError(
          "its virtine halted (hlt) instead of returning; do not halt in a "
          "virtine function");
    case ExitReason::Hypercall:
      return absl::AbortedError(absl::StrFormat(
          "its virtine stopped at hypercall %u, which vcc's runtime does not "
          "serve; use only the guest runtime's console and call hypercalls",
          exit.hypercall.number));
  }
  return absl::InternalError(
      absl::StrCat("its virtine stopped: ", exit.ToString()));
}

absl::Status Call(wasp_vcc_image& image, absl::Span<const uint8_t> args,
                  absl::Span<const wasp_vcc_buffer_ref> refs,
                  absl::Span<uint8_t> ret,
                  absl::Span<const int32_t> descriptors) {
  // What needs no virtine is checked first.
  RETURN_IF_ERROR(CheckReturnLength(ret.size()));
  ASSIGN_OR_RETURN(BufferSpans buffers, ResolveBuffers(refs));
  uint8_t argument[WASP_CALL_ARG_MAX];
  ASSIGN_OR_RETURN(size_t length, PackCall(argument, args, buffers,
                                           static_cast<uint32_t>(ret.size())));
  ASSIGN_OR_RETURN(VirtineFunction * function, FunctionOf(image));
  // Destroyed after the call: closes what the virtine left open.
  CallFiles files(descriptors);
  absl::StatusOr<CallResult> result;
  {
    ScopedCallFiles scope(&files);
    result = function->Call(absl::MakeConstSpan(argument, length));
  }
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat("the host could not run its virtine: ",
                                     result.status().message()));
  }
  RETURN_IF_ERROR(CheckExit(result->exit, function->budget()));
  return UnpackResult(result->result, buffers, ret);
}

std::string FailureLine(const char* function_name, const absl::Status& error) {
  std::string line =
      absl::StrCat("vcc: virtine function '",
                   function_name == nullptr ? "(unnamed)" : function_name,
                   "': ", error.message());
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

}  // namespace wasp::vcc

extern "C" void wasp_vcc_call(wasp_vcc_image* image, const void* args,
                              uint64_t args_length,
                              const wasp_vcc_buffer_ref* buffers,
                              uint32_t buffer_count, void* ret,
                              uint64_t return_length,
                              const int32_t* descriptors,
                              uint32_t descriptor_count) {
  if (image == nullptr) {
    std::fputs("vcc: wasp_vcc_call without an image; rebuild with vcc\n",
               stderr);
    std::abort();
  }
  absl::Status status =
      wasp::vcc::CheckPointers(args, args_length, buffers, buffer_count, ret,
                               return_length, descriptors, descriptor_count);
  if (status.ok()) {
    status = wasp::vcc::Call(
        *image,
        absl::MakeConstSpan(static_cast<const uint8_t*>(args), args_length),
        absl::MakeConstSpan(buffers, buffer_count),
        absl::MakeSpan(static_cast<uint8_t*>(ret), return_length),
        absl::MakeConstSpan(descriptors, descriptor_count));
  }
  if (status.ok()) return;
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n",
               wasp::vcc::FailureLine(image->name, status).c_str());
  std::abort();
}
