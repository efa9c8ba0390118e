#include "net/virtine_session.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/cache.h"
#include "guest/abi/hypercall.h"
#include "net/virtine_handler.h"

namespace wasp {
namespace {

// A connection-scoped virtine. While it waits to receive it can hibernate:
// its delta from the snapshot goes to host memory and its virtine back to
// the cache, and any free virtine of the cache resumes it later.
class VirtineSession final : public Session {
 public:
  // A virtine lent by `cache`, which takes it back.
  VirtineSession(Virtine* virtine, Cache* cache, absl::Duration cpu_budget)
      : cache_(cache), virtine_(virtine), cpu_budget_(cpu_budget) {}
  // A session that owns its virtine: destroyed with it; it never parks.
  VirtineSession(std::unique_ptr<Virtine> virtine, absl::Duration cpu_budget)
      : owned_(std::move(virtine)),
        virtine_(owned_.get()),
        cpu_budget_(cpu_budget) {}

  // nullptr while parked.
  Virtine* virtine() const { return virtine_; }

  absl::Span<uint8_t> first_buffer() override {
    // Without a snapshot the guest boots for every connection and its
    // start-up would wipe bytes received early: it receives them itself.
    if (!virtine_->has_snapshot()) return {};
    auto buffer = virtine_->call_argument_buffer();
    return buffer.ok() ? *buffer : absl::Span<uint8_t>();
  }

  absl::StatusOr<IoRequest> Start(int, size_t length) override {
    return RunGuest([&] {
      return virtine_->start_call(length, absl::Now() + cpu_budget_);
    });
  }

  absl::StatusOr<IoRequest> Resume(int64_t result) override {
    virtine_->set_hypercall_result(result);
    return RunGuest([&] { return virtine_->run(absl::Now() + cpu_budget_); });
  }

  SessionCounters counters() const override { return {.exits = exits_}; }

  bool can_park() const override {
    return cache_ != nullptr && pending_receive_.has_value();
  }

  absl::Status Park() override {
    if (!can_park() || virtine_ == nullptr) {
      return absl::FailedPreconditionError(
          "only a virtine waiting to receive can park");
    }
    ASSIGN_OR_RETURN(ParkedVirtine parked, virtine_->park());
    parked_.emplace(std::move(parked));
    // The delta is safe: a virtine that fails to reset is the cache's to
    // discard (CacheStats::discarded), and this session no longer uses it.
    (void)cache_->put(virtine_).ok();
    virtine_ = nullptr;
    return absl::OkStatus();
  }

  absl::StatusOr<IoRequest> Unpark() override {
    if (!parked_) return absl::FailedPreconditionError("not parked");
    ASSIGN_OR_RETURN(Virtine * virtine, cache_->acquire());
    if (absl::Status status = virtine->unpark(*parked_); !status.ok()) {
      (void)cache_->put(virtine);
      return status;
    }
    virtine_ = virtine;
    parked_.reset();
    // The receive is the same; its buffer is in the new virtine's memory.
    ASSIGN_OR_RETURN(auto in,
                     virtine_->memory().TranslateForWrite(
                         pending_receive_->first, pending_receive_->second));
    return IoRequest{.kind = IoRequest::Kind::kRecv, .in = in};
  }

  size_t parked_bytes() const override {
    return parked_ ? parked_->bytes() : 0;
  }

 private:
  template <typename RunFn>
  absl::StatusOr<IoRequest> RunGuest(RunFn run) {
    uint64_t before = virtine_->stats().exits;
    absl::StatusOr<Exit> exit = run();
    exits_ += virtine_->stats().exits - before;
    if (!exit.ok()) return exit.status();
    return Next(*exit);
  }

  // Turns a socket hypercall into an IoRequest; bad buffers are answered
  // with -WASP_EFAULT without leaving the virtine's loop.
  absl::StatusOr<IoRequest> Next(Exit exit) {
    pending_receive_.reset();
    for (;;) {
      switch (exit.reason) {
        case ExitReason::Exited:
          return IoRequest{.kind = IoRequest::Kind::kDone};
        case ExitReason::Hypercall: {
          absl::StatusOr<IoRequest> request = Translate(exit.hypercall);
          if (request.ok()) return request;
          virtine_->set_hypercall_result(-WASP_EFAULT);
          uint64_t before = virtine_->stats().exits;
          absl::StatusOr<Exit> next = virtine_->run(absl::Now() + cpu_budget_);
          exits_ += virtine_->stats().exits - before;
          if (!next.ok()) return next.status();
          exit = *next;
          continue;
        }
        case ExitReason::Timeout:
          return IoRequest{.kind = IoRequest::Kind::kDone,
                           .ending = IoRequest::Ending::kTimedOut,
                           .failure = "CPU budget exceeded"};
        case ExitReason::Halted:
        case ExitReason::Fault:
          return IoRequest{.kind = IoRequest::Kind::kDone,
                           .ending = IoRequest::Ending::kFailed,
                           .failure = exit.ToString()};
      }
    }
  }

  // Where the guest receives: writable memory only, recorded as written by
  // the host so that the reset restores it.
  absl::StatusOr<absl::Span<uint8_t>> ReceiveBuffer(uint64_t address,
                                                    uint64_t length) {
    return virtine_->memory().TranslateGuestBuffer(address, length,
                                                   virtine_->writable_region());
  }

  absl::StatusOr<IoRequest> Translate(const Hypercall& call) {
    const auto& a = call.args;
    switch (call.number) {
      case WASP_HC_RECV: {
        ASSIGN_OR_RETURN(auto in, ReceiveBuffer(a[0], a[1]));
        pending_receive_.emplace(a[0], a[1]);
        return IoRequest{.kind = IoRequest::Kind::kRecv, .in = in};
      }
      case WASP_HC_SEND: {
        ASSIGN_OR_RETURN(auto out, virtine_->memory().Translate(a[0], a[1]));
        return IoRequest{.kind = IoRequest::Kind::kSend, .out = out};
      }
      case WASP_HC_SEND_CLOSE: {
        ASSIGN_OR_RETURN(auto out, virtine_->memory().Translate(a[0], a[1]));
        return IoRequest{.kind = IoRequest::Kind::kSendClose, .out = out};
      }
      case WASP_HC_SEND_RECV: {
        ASSIGN_OR_RETURN(auto out, virtine_->memory().Translate(a[0], a[1]));
        ASSIGN_OR_RETURN(auto in, ReceiveBuffer(a[2], a[3]));
        pending_receive_.emplace(a[2], a[3]);
        return IoRequest{
            .kind = IoRequest::Kind::kSendRecv, .out = out, .in = in};
      }
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected hypercall ", call.number));
    }
  }

  const std::unique_ptr<Virtine> owned_;
  Cache* const cache_ = nullptr;
  Virtine* virtine_;
  const absl::Duration cpu_budget_;
  uint64_t exits_ = 0;
  // The guest buffer (address, length) of the receive it waits for.
  std::optional<std::pair<uint64_t, uint64_t>> pending_receive_;
  std::optional<ParkedVirtine> parked_;
};

// One worker's virtines; used by that worker's thread only (no locks).
class VirtinePool final : public SessionPool {
 public:
  VirtinePool(std::unique_ptr<Cache> cache, const VirtinePoolOptions& options)
      : cache_(std::move(cache)), options_(options) {}

  absl::StatusOr<std::unique_ptr<Session>> Acquire() override {
    ASSIGN_OR_RETURN(Virtine * virtine, cache_->acquire());
    return std::make_unique<VirtineSession>(virtine, cache_.get(),
                                            options_.cpu_budget);
  }

  // A virtine that cannot be reset is dropped by the cache (and replaced
  // at a later Acquire); the error says so.
  absl::Status Release(std::unique_ptr<Session> session) override {
    Virtine* virtine = static_cast<VirtineSession*>(session.get())->virtine();
    return virtine == nullptr ? absl::OkStatus() : cache_->put(virtine);
  }

  size_t in_use() const override {
    return cache_->size() - cache_->available();
  }
  size_t capacity() const override { return options_.capacity; }
  bool resets() const override { return true; }

 private:
  std::unique_ptr<Cache> cache_;
  const VirtinePoolOptions options_;
};

// A new virtine per connection, booted from the image; used by one worker's
// thread only.
class FreshVirtinePool final : public SessionPool {
 public:
  FreshVirtinePool(const Image& image, const VirtineOptions& virtine,
                   const VirtinePoolOptions& options)
      : image_(image), virtine_(virtine), options_(options) {}

  absl::StatusOr<std::unique_ptr<Session>> Acquire() override {
    if (in_use_ >= options_.capacity) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "all ", options_.capacity, " fresh virtines are in use"));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Virtine> virtine,
                     Virtine::Create(options_.memory_bytes, virtine_));
    RETURN_IF_ERROR(virtine->load(image_));
    ++in_use_;
    return std::make_unique<VirtineSession>(std::move(virtine),
                                            options_.cpu_budget);
  }

  absl::Status Release(std::unique_ptr<Session> session) override {
    session.reset();  // and its VM
    --in_use_;
    return absl::OkStatus();
  }

  size_t in_use() const override { return in_use_; }
  size_t capacity() const override { return options_.capacity; }

 private:
  const Image image_;
  const VirtineOptions virtine_;
  const VirtinePoolOptions options_;
  size_t in_use_ = 0;
};

}  // namespace

absl::StatusOr<ServingPool> MakeVirtinePool(const Image& image,
                                            const VirtinePoolOptions& options) {
  VirtineOptions virtine{
      .budget = options.cpu_budget,
      // No handler table: the allowed socket hypercalls end run() as
      // values, decoded once into IoRequests here.
      .hypercalls = nullptr,
      .allowlist = HypercallAllowlist::Of(
          {WASP_HC_GET_ARG, WASP_HC_SET_RESULT, WASP_HC_SNAPSHOT,
           WASP_HC_GET_CONFIG, WASP_HC_RECV, WASP_HC_SEND, WASP_HC_SEND_RECV,
           WASP_HC_SEND_CLOSE}),
      .bad_hypercalls = BadHypercallPolicy::kFault,
      .config = options.config};
  if (options.fresh_vm) {
    virtine.snapshots = false;
    virtine.reset = ResetKind::kNone;
    absl::StatusOr<std::unique_ptr<RequestHandlerPool>> handlers =
        MakeFreshVirtineHandlerPool(image, virtine, options.memory_bytes,
                                    options.capacity, options.cpu_budget);
    if (handlers.ok()) return ServingPool{.handlers = std::move(*handlers)};
    if (handlers.status().code() != absl::StatusCode::kFailedPrecondition) {
      return handlers.status();
    }
    // Not request-scoped: a fresh VM per connection.
    auto pool = std::make_unique<FreshVirtinePool>(image, virtine, options);
    // A first connection's virtine: the image loads, the VM can be made.
    ASSIGN_OR_RETURN(std::unique_ptr<Session> session, pool->Acquire());
    RETURN_IF_ERROR(pool->Release(std::move(session)));
    return ServingPool{.sessions = std::move(pool)};
  }
  auto cache = std::make_unique<Cache>(
      options.memory_bytes, CacheOptions{.virtine = virtine,
                                         .max_virtines = options.capacity,
                                         .shared = false});
  RETURN_IF_ERROR(cache->load(image));
  if (Exit stop = cache->load_stop(); stop.reason != ExitReason::Hypercall) {
    bool out_of_memory = stop.reason == ExitReason::Fault &&
                         stop.fault.kind == FaultKind::kOutsideMemory;
    return absl::FailedPreconditionError(absl::StrCat(
        "the app stopped during its initialisation (", stop.ToString(),
        "), before it could serve: ",
        out_of_memory
            ? absl::StrCat("it needs more than --mem (",
                           options.memory_bytes >> 10,
                           " KiB) gives it: raise --mem")
            : "check its configuration (--docroot, --app) and its console "
              "output"));
  }
  RETURN_IF_ERROR(cache->ensure(options.capacity));
  ASSIGN_OR_RETURN(Virtine * probe, cache->acquire());
  bool request_scoped = probe->request_area().has_value();
  bool snapshot = probe->has_snapshot();
  RETURN_IF_ERROR(cache->put(probe));
  if (request_scoped && !snapshot) {
    // WASP_NO_SNAPSHOT: every run boots the app, here in a new VM.
    ASSIGN_OR_RETURN(auto handlers, MakeFreshVirtineHandlerPool(
                                        image, virtine, options.memory_bytes,
                                        options.capacity, options.cpu_budget));
    return ServingPool{.handlers = std::move(handlers)};
  }
  if (request_scoped) {
    ASSIGN_OR_RETURN(auto handlers,
                     MakeVirtineHandlerPool(std::move(cache), options.capacity,
                                            options.cpu_budget));
    return ServingPool{.handlers = std::move(handlers)};
  }
  return ServingPool{
      .sessions = std::make_unique<VirtinePool>(std::move(cache), options)};
}

}  // namespace wasp
