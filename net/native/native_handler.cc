#include "net/native/native_handler.h"

#include <setjmp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "guest/abi/hypercall.h"
#include "net/native/native_runtime.h"
#include "net/request_area.h"

namespace wasp {
namespace {

// A run is a plain call of the app's handle() on the worker's stack;
// wasp_exit and runtime faults jump back out of it (sigsetjmp without the
// signal mask: no syscall per run, unlike a ucontext switch).
class NativeHandler final : public RequestHandler, private NativeHost {
 public:
  NativeHandler(const NativeApp& app,
                std::shared_ptr<const std::vector<uint8_t>> config)
      : app_(app), config_(std::move(config)), input_(app.input_capacity) {}

  absl::StatusOr<RunResult> Run(absl::Span<const uint8_t> input,
                                uint32_t flags) override {
    size_t length = std::min(input.size(), input_.size());
    std::memcpy(input_.data(), input.data(), length);
    area_ = wasp_request_area{};
    area_.in = reinterpret_cast<uint64_t>(input_.data());
    area_.in_cap = static_cast<uint32_t>(input_.size());
    area_.in_len = static_cast<uint32_t>(length);
    area_.in_flags = flags;
    failure_.clear();
    exit_code_ = 0;
    {
      ScopedNativeHost scope(this);
      // The app's frames hold nothing to destroy: a jump out skips nothing.
      if (sigsetjmp(out_, /*savemask=*/0) == 0) {
        exit_code_ = app_.handle(&area_);
      }
    }
    if (!failure_.empty()) {
      return RunResult{.outcome = RunResult::Outcome::kFailed,
                       .failure = std::move(failure_)};
    }
    wasp_request_area area = area_;
    return DecodeRequestArea(area, exit_code_, area_.in_len, HostMemory);
  }

  size_t input_capacity() const { return input_.size(); }
  // What the last run allocated, its output included, is freed.
  void Clear() { arena_.FreeAll(); }

 private:
  // Ends the run with failure_ set; the jump skips these frames, so nothing
  // in them may own memory.
  [[noreturn]] void Abandon() { siglongjmp(out_, 1); }

  // NativeHost, called by the app. A request-scoped app has no socket.
  long Recv(absl::Span<uint8_t>) override { NoSocket("wasp_recv"); }
  long Send(absl::Span<const uint8_t>) override { NoSocket("wasp_send"); }
  long SendRecv(absl::Span<const uint8_t>, absl::Span<uint8_t>) override {
    NoSocket("wasp_send_recv");
  }
  [[noreturn]] void SendClose(absl::Span<const uint8_t>) override {
    NoSocket("wasp_send_close");
  }
  [[noreturn]] void NoSocket(const char* call) {
    failure_ =
        absl::StrFormat("app %s: %s in a request-scoped app", app_.name, call);
    Abandon();
  }
  absl::Span<const uint8_t> Arg() override { return {}; }
  absl::Span<const uint8_t> Config() override {
    return config_ ? absl::MakeConstSpan(*config_)
                   : absl::Span<const uint8_t>();
  }
  [[noreturn]] void Exit(int code) override {
    exit_code_ = code;
    siglongjmp(out_, 1);
  }
  [[noreturn]] void Fault(std::string_view what) override {
    failure_ = absl::StrFormat("app %s: %s", app_.name, what);
    Abandon();
  }
  AllocationArena* arena() override { return &arena_; }

  const NativeApp app_;
  const std::shared_ptr<const std::vector<uint8_t>> config_;
  std::vector<uint8_t> input_;
  AllocationArena arena_;
  sigjmp_buf out_;
  wasp_request_area area_ = {};
  int exit_code_ = 0;
  std::string failure_;
};

// One worker's handlers; used by that worker's thread only (no locks).
class NativeHandlerPool final : public RequestHandlerPool {
 public:
  explicit NativeHandlerPool(
      std::vector<std::unique_ptr<NativeHandler>> handlers)
      : handlers_(std::move(handlers)) {
    for (auto& handler : handlers_) free_.push_back(handler.get());
  }

  absl::StatusOr<RequestHandler*> Acquire() override {
    if (free_.empty()) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "all %d native handlers are in use", handlers_.size()));
    }
    NativeHandler* handler = free_.back();
    free_.pop_back();
    return handler;
  }

  absl::Status Release(RequestHandler* handler) override {
    auto* native = static_cast<NativeHandler*>(handler);
    native->Clear();
    free_.push_back(native);
    return absl::OkStatus();
  }

  size_t in_use() const override { return handlers_.size() - free_.size(); }
  size_t capacity() const override { return handlers_.size(); }
  size_t input_capacity() const override {
    return handlers_.front()->input_capacity();
  }

 private:
  std::vector<std::unique_ptr<NativeHandler>> handlers_;
  std::vector<NativeHandler*> free_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeNativeHandlerPool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config) {
  if (app.handle == nullptr || app.input_capacity == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "app %s is not request-scoped (it has no handle entry point)",
        app.name));
  }
  if (capacity == 0) {
    return absl::InvalidArgumentError("a handler pool needs capacity >= 1");
  }
  RETURN_IF_ERROR(InitializeApp(app, config));
  std::vector<std::unique_ptr<NativeHandler>> handlers;
  for (size_t i = 0; i < capacity; ++i) {
    handlers.push_back(std::make_unique<NativeHandler>(app, config));
  }
  return std::make_unique<NativeHandlerPool>(std::move(handlers));
}

}  // namespace wasp
