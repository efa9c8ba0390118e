#include "net/native/native_app.h"

#include <mutex>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "guest/abi/hypercall.h"
#include "net/native/coroutine.h"
#include "net/native/native_runtime.h"

namespace wasp {
namespace {

constexpr size_t kInitStackBytes = 1 << 20;

// What app.init() sees: the configuration, and no connection.
class InitHost final : public NativeHost {
 public:
  InitHost(const NativeApp& app, absl::Span<const uint8_t> config,
           CoroutineStack* stack)
      : app_(app),
        config_(config),
        stack_(stack),
        coroutine_(stack, &InitHost::Body, this) {}

  absl::Status Run() {
    {
      ScopedNativeHost scope(this);
      coroutine_.Resume();
    }
    if (!failure_.empty()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("app %s: init %s", app_.name, failure_));
    }
    if (result_ != 0) {
      return absl::FailedPreconditionError(
          absl::StrFormat("app %s: init returned %d", app_.name, result_));
    }
    return absl::OkStatus();
  }

  long Recv(absl::Span<uint8_t>) override { return -WASP_EPERM; }
  long Send(absl::Span<const uint8_t>) override { return -WASP_EPERM; }
  long SendRecv(absl::Span<const uint8_t>, absl::Span<uint8_t>) override {
    return -WASP_EPERM;
  }
  [[noreturn]] void SendClose(absl::Span<const uint8_t>) override {
    Abandon("called wasp_send_close");
  }
  absl::Span<const uint8_t> Arg() override { return {}; }
  absl::Span<const uint8_t> Config() override { return config_; }
  [[noreturn]] void Exit(int code) override {
    Abandon(absl::StrFormat("called wasp_exit(%d)", code));
  }
  [[noreturn]] void Fault(std::string_view what) override {
    Abandon(absl::StrFormat("faulted: %s", what));
  }
  uintptr_t stack_top() override { return stack_->top(); }

 private:
  static void Body(void* context) {
    auto* self = static_cast<InitHost*>(context);
    self->result_ = self->app_.init();
  }

  [[noreturn]] void Abandon(std::string failure) {
    failure_ = std::move(failure);
    coroutine_.Suspend();
    std::abort();  // never resumed
  }

  const NativeApp& app_;
  const absl::Span<const uint8_t> config_;
  CoroutineStack* const stack_;
  Coroutine coroutine_;
  int result_ = 0;
  std::string failure_;
};

struct Initialized {
  std::shared_ptr<const std::vector<uint8_t>> config;
};

// std::mutex, not absl::Mutex: ThreadSanitizer sees its synchronisation.
constinit std::mutex registry_mu;

// Apps initialised in this process, by their init function. Never freed.
absl::flat_hash_map<int (*)(), Initialized>& Registry()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(registry_mu) {
  static auto* registry = new absl::flat_hash_map<int (*)(), Initialized>();
  return *registry;
}

bool SameConfig(const std::shared_ptr<const std::vector<uint8_t>>& a,
                const std::shared_ptr<const std::vector<uint8_t>>& b) {
  if (a == b) return true;
  static const std::vector<uint8_t> kEmpty;
  return (a ? *a : kEmpty) == (b ? *b : kEmpty);
}

}  // namespace

absl::Status InitializeApp(const NativeApp& app,
                           std::shared_ptr<const std::vector<uint8_t>> config) {
  std::lock_guard lock(registry_mu);
  auto& registry = Registry();
  if (auto it = registry.find(app.init); it != registry.end()) {
    if (SameConfig(it->second.config, config)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrFormat(
        "app %s is already initialised in this process with another "
        "configuration",
        app.name));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<CoroutineStack> stack,
                   CoroutineStack::Create(kInitStackBytes));
  absl::Span<const uint8_t> bytes;
  if (config) bytes = *config;
  InitHost host(app, bytes, stack.get());
  RETURN_IF_ERROR(host.Run());
  registry.emplace(app.init, Initialized{std::move(config)});
  return absl::OkStatus();
}

}  // namespace wasp
