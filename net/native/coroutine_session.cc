#include "net/native/coroutine_session.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "guest/abi/hypercall.h"
#include "net/native/coroutine.h"
#include "net/native/native_runtime.h"

namespace wasp {
namespace {

// One connection: the app's serve() on a coroutine whose socket calls
// become the session's IoRequests.
class CoroutineSession final : public Session, private NativeHost {
 public:
  CoroutineSession(const NativeApp& app,
                   std::shared_ptr<const std::vector<uint8_t>> config,
                   std::unique_ptr<CoroutineStack> stack)
      : app_(app),
        config_(std::move(config)),
        stack_(std::move(stack)),
        coroutine_(stack_.get(), &CoroutineSession::Body, this) {}

  absl::Span<uint8_t> first_buffer() override { return absl::MakeSpan(first_); }

  absl::StatusOr<IoRequest> Start(int, size_t length) override {
    if (state_ != State::kReady) {
      return absl::FailedPreconditionError("session already started");
    }
    arg_length_ = std::min(length, first_.size());
    return Run();
  }

  absl::StatusOr<IoRequest> Resume(int64_t result) override {
    if (state_ != State::kSuspended) {
      return absl::FailedPreconditionError("session is not waiting for I/O");
    }
    result_ = result;
    return Run();
  }

  // The stack goes back to the pool; the session never runs again.
  std::unique_ptr<CoroutineStack> TakeStack() {
    state_ = State::kDone;
    return std::move(stack_);
  }

 private:
  enum class State { kReady, kRunning, kSuspended, kDone };

  static void Body(void* context) {
    auto* self = static_cast<CoroutineSession*>(context);
    self->app_.serve();  // its result only matters to the app, as in a virtine
  }

  IoRequest Run() {
    state_ = State::kRunning;
    {
      ScopedNativeHost scope(this);
      coroutine_.Resume();
    }
    if (state_ == State::kSuspended) return pending_;
    // The body returned, or the app called wasp_exit or faulted.
    state_ = State::kDone;
    arena_.FreeAll();
    return IoRequest{.kind = IoRequest::Kind::kDone,
                     .ending = failure_.empty() ? IoRequest::Ending::kNormal
                                                : IoRequest::Ending::kFailed,
                     .failure = std::move(failure_)};
  }

  long Yield(IoRequest request) {
    pending_ = request;
    state_ = State::kSuspended;
    coroutine_.Suspend();
    return static_cast<long>(result_);
  }

  // NativeHost, called on the coroutine.
  long Recv(absl::Span<uint8_t> in) override {
    return Yield({.kind = IoRequest::Kind::kRecv, .in = in});
  }
  long Send(absl::Span<const uint8_t> out) override {
    return Yield({.kind = IoRequest::Kind::kSend, .out = out});
  }
  long SendRecv(absl::Span<const uint8_t> out,
                absl::Span<uint8_t> in) override {
    return Yield({.kind = IoRequest::Kind::kSendRecv, .out = out, .in = in});
  }
  [[noreturn]] void SendClose(absl::Span<const uint8_t> out) override {
    Yield({.kind = IoRequest::Kind::kSendClose, .out = out});
    std::abort();  // the worker ends the session instead of resuming it
  }
  absl::Span<const uint8_t> Arg() override {
    return absl::MakeConstSpan(first_.data(), arg_length_);
  }
  absl::Span<const uint8_t> Config() override {
    return config_ ? absl::MakeConstSpan(*config_)
                   : absl::Span<const uint8_t>();
  }
  [[noreturn]] void Exit(int) override {
    coroutine_.Suspend();  // state_ stays kRunning: Run() ends the session
    std::abort();          // never resumed
  }
  [[noreturn]] void Fault(std::string_view what) override {
    failure_ = absl::StrFormat("app %s: %s", app_.name, what);
    coroutine_.Suspend();
    std::abort();
  }
  AllocationArena* arena() override { return &arena_; }
  uintptr_t stack_top() override { return stack_->top(); }

  const NativeApp app_;
  const std::shared_ptr<const std::vector<uint8_t>> config_;
  std::unique_ptr<CoroutineStack> stack_;
  AllocationArena arena_;
  Coroutine coroutine_;
  State state_ = State::kReady;
  std::array<uint8_t, WASP_CALL_ARG_MAX> first_;
  size_t arg_length_ = 0;
  IoRequest pending_;
  int64_t result_ = 0;
  std::string failure_;
};

// One worker's sessions; used by that worker's thread only (no locks).
class CoroutinePool final : public SessionPool {
 public:
  CoroutinePool(NativeApp app, size_t capacity,
                std::shared_ptr<const std::vector<uint8_t>> config)
      : app_(app), capacity_(capacity), config_(std::move(config)) {}

  absl::StatusOr<std::unique_ptr<Session>> Acquire() override {
    if (in_use_ >= capacity_) {
      return absl::ResourceExhaustedError(
          absl::StrFormat("all %d coroutine sessions of app %s are in use",
                          capacity_, app_.name));
    }
    std::unique_ptr<CoroutineStack> stack;
    if (free_stacks_.empty()) {
      ASSIGN_OR_RETURN(stack, CoroutineStack::Create(kCoroutineStackBytes));
    } else {
      stack = std::move(free_stacks_.back());
      free_stacks_.pop_back();
    }
    ++in_use_;
    return std::make_unique<CoroutineSession>(app_, config_, std::move(stack));
  }

  // Takes only sessions this pool handed out.
  absl::Status Release(std::unique_ptr<Session> session) override {
    if (session == nullptr) return absl::OkStatus();
    auto* coroutine_session = static_cast<CoroutineSession*>(session.get());
    std::unique_ptr<CoroutineStack> stack = coroutine_session->TakeStack();
    session.reset();  // frees what the app left allocated
    if (stack != nullptr) free_stacks_.push_back(std::move(stack));
    --in_use_;
    return absl::OkStatus();
  }

  size_t in_use() const override { return in_use_; }
  size_t capacity() const override { return capacity_; }

 private:
  const NativeApp app_;
  const size_t capacity_;
  const std::shared_ptr<const std::vector<uint8_t>> config_;
  std::vector<std::unique_ptr<CoroutineStack>> free_stacks_;
  size_t in_use_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SessionPool>> MakeCoroutinePool(
    NativeApp app, size_t capacity,
    std::shared_ptr<const std::vector<uint8_t>> config) {
  if (capacity == 0) {
    return absl::InvalidArgumentError("a coroutine pool needs capacity >= 1");
  }
  if (app.serve == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "app %s is request-scoped: serve it with a handler pool "
        "(MakeNativeHandlerPool), not coroutine sessions",
        app.name));
  }
  RETURN_IF_ERROR(InitializeApp(app, config));
  return std::make_unique<CoroutinePool>(app, capacity, std::move(config));
}

}  // namespace wasp
