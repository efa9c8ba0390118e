#include "net/virtine_handler.h"

#include <cstddef>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "guest/abi/hypercall.h"
#include "net/request_area.h"

namespace wasp {
namespace {

// Where the host writes before a run: the input and its two header fields.
struct InputFields {
  uint32_t in_len;
  uint32_t in_flags;
};
static_assert(offsetof(wasp_request_area, in_flags) ==
              offsetof(wasp_request_area, in_len) + sizeof(uint32_t));

class VirtineHandler final : public RequestHandler {
 public:
  VirtineHandler(Virtine* virtine, uint64_t area, uint64_t in, size_t in_cap,
                 absl::Duration budget)
      : virtine_(virtine),
        area_(area),
        in_(in),
        in_cap_(in_cap),
        budget_(budget) {}

  Virtine* virtine() const { return virtine_; }
  size_t input_capacity() const { return in_cap_; }

  absl::StatusOr<RunResult> Run(absl::Span<const uint8_t> input,
                                uint32_t flags) override {
    size_t length = std::min(input.size(), in_cap_);
    // Written through GuestMemory, so the reset knows these pages.
    RETURN_IF_ERROR(virtine_->memory().Write(in_, input.first(length)));
    InputFields fields{static_cast<uint32_t>(length), flags};
    RETURN_IF_ERROR(virtine_->memory().Write(
        area_ + offsetof(wasp_request_area, in_len),
        {reinterpret_cast<const uint8_t*>(&fields), sizeof fields}));
    uint64_t exits_before = virtine_->stats().exits;
    absl::StatusOr<Exit> exit = virtine_->run(absl::Now() + budget_);
    exits_ = virtine_->stats().exits - exits_before;
    if (!exit.ok()) return exit.status();
    return Decode(*exit, length);
  }

  // Unwritten snapshot pages stay valid after the reset: the pool shares
  // them.
  absl::Span<const uint8_t> Persistent(
      absl::Span<const uint8_t> bytes) override {
    const uint8_t* base = virtine_->memory().host_base();
    if (bytes.data() < base ||
        bytes.data() + bytes.size() > base + virtine_->memory().size()) {
      return {};
    }
    absl::StatusOr<absl::Span<const uint8_t>> kept =
        virtine_->snapshot_bytes(bytes.data() - base, bytes.size());
    return kept.ok() ? *kept : absl::Span<const uint8_t>();
  }

  uint64_t exits() const override { return exits_; }

 private:
  RunResult Decode(const Exit& exit, size_t length) {
    switch (exit.reason) {
      case ExitReason::Exited: {
        // One copy, so the checks see what is used.
        absl::StatusOr<wasp_request_area> area =
            virtine_->memory().ReadValue<wasp_request_area>(area_);
        if (!area.ok()) return Failed(area.status().ToString());
        return DecodeRequestArea(
            *area, exit.exit_code, length,
            [this](uint64_t address,
                   uint64_t size) -> absl::StatusOr<absl::Span<const uint8_t>> {
              return virtine_->memory().Translate(address, size);
            });
      }
      case ExitReason::Timeout:
        return RunResult{.outcome = RunResult::Outcome::kTimedOut,
                         .failure = "CPU budget exceeded"};
      case ExitReason::Hypercall:
      case ExitReason::Halted:
      case ExitReason::Fault:
        return Failed(exit.ToString());
    }
    return Failed("unknown exit");
  }

  static RunResult Failed(std::string failure) {
    return RunResult{.outcome = RunResult::Outcome::kFailed,
                     .failure = std::move(failure)};
  }

  Virtine* const virtine_;
  const uint64_t area_;
  const uint64_t in_;
  const size_t in_cap_;
  const absl::Duration budget_;
  uint64_t exits_ = 0;
};

// One worker's virtines; used by that worker's thread only (no locks).
class VirtineHandlerPool final : public RequestHandlerPool {
 public:
  VirtineHandlerPool(std::unique_ptr<Cache> cache, size_t capacity,
                     absl::Duration budget, uint64_t area, uint64_t in,
                     size_t in_cap)
      : cache_(std::move(cache)),
        capacity_(capacity),
        budget_(budget),
        area_(area),
        in_(in),
        in_cap_(in_cap) {}

  absl::StatusOr<RequestHandler*> Acquire() override {
    ASSIGN_OR_RETURN(Virtine * virtine, cache_->acquire());
    std::unique_ptr<VirtineHandler>& handler = handlers_[virtine];
    if (handler == nullptr) {
      handler = std::make_unique<VirtineHandler>(virtine, area_, in_, in_cap_,
                                                 budget_);
    }
    return handler.get();
  }

  absl::Status Release(RequestHandler* handler) override {
    Virtine* virtine = static_cast<VirtineHandler*>(handler)->virtine();
    absl::Status reset = cache_->put(virtine);
    // A virtine that could not be reset is gone; so is its handler.
    if (!reset.ok()) handlers_.erase(virtine);
    return reset;
  }

  size_t in_use() const override {
    return cache_->size() - cache_->available();
  }
  size_t capacity() const override { return capacity_; }
  size_t input_capacity() const override { return in_cap_; }
  bool resets() const override { return true; }

 private:
  const std::unique_ptr<Cache> cache_;
  const size_t capacity_;
  const absl::Duration budget_;
  const uint64_t area_;
  const uint64_t in_;
  const size_t in_cap_;
  absl::flat_hash_map<Virtine*, std::unique_ptr<VirtineHandler>> handlers_;
};

// A virtine booted for one run and destroyed after it: the baseline that
// snapshots and pools are measured against.
class FreshVirtineHandler final : public RequestHandler {
 public:
  static absl::StatusOr<std::unique_ptr<FreshVirtineHandler>> Boot(
      const Image& image, const VirtineOptions& options, uint64_t memory,
      absl::Duration budget) {
    ASSIGN_OR_RETURN(std::unique_ptr<Virtine> virtine,
                     Virtine::Create(memory, options));
    RETURN_IF_ERROR(virtine->load(image));
    // The app initialises itself and stops at its snapshot hypercall, the
    // request area registered.
    ASSIGN_OR_RETURN(Exit exit, virtine->run_to_snapshot(absl::Now() + budget));
    std::optional<uint64_t> area = virtine->request_area();
    if (exit.reason != ExitReason::Hypercall ||
        exit.hypercall.number != WASP_HC_SNAPSHOT || !area) {
      return absl::FailedPreconditionError(
          absl::StrCat("image ", image.name,
                       " did not reach its snapshot with a request area: ",
                       exit.ToString()));
    }
    ASSIGN_OR_RETURN(wasp_request_area fields,
                     virtine->memory().ReadValue<wasp_request_area>(*area));
    if (fields.in_cap == 0 ||
        !virtine->InWritableRegion(fields.in, fields.in_cap)) {
      return absl::InvalidArgumentError(
          "the request area's input buffer is not in writable memory");
    }
    Virtine* raw = virtine.get();
    return std::unique_ptr<FreshVirtineHandler>(new FreshVirtineHandler(
        std::move(virtine),
        VirtineHandler(raw, *area, fields.in, fields.in_cap, budget)));
  }

  absl::StatusOr<RunResult> Run(absl::Span<const uint8_t> input,
                                uint32_t flags) override {
    return handler_.Run(input, flags);
  }
  uint64_t exits() const override {
    return virtine_->stats().exits;  // the boot's and the run's
  }
  size_t input_capacity() const { return in_cap_; }

 private:
  FreshVirtineHandler(std::unique_ptr<Virtine> virtine, VirtineHandler handler)
      : virtine_(std::move(virtine)),
        handler_(std::move(handler)),
        in_cap_(handler_.input_capacity()) {}

  std::unique_ptr<Virtine> virtine_;
  VirtineHandler handler_;
  size_t in_cap_;
};

class FreshVirtineHandlerPool final : public RequestHandlerPool {
 public:
  FreshVirtineHandlerPool(const Image& image, const VirtineOptions& options,
                          uint64_t memory, size_t capacity,
                          absl::Duration budget, size_t input_capacity)
      : image_(image),
        options_(options),
        memory_(memory),
        capacity_(capacity),
        budget_(budget),
        input_capacity_(input_capacity) {}

  absl::StatusOr<RequestHandler*> Acquire() override {
    if (live_.size() >= capacity_) {
      return absl::ResourceExhaustedError(
          absl::StrCat("all ", capacity_, " fresh virtines are running"));
    }
    ASSIGN_OR_RETURN(
        std::unique_ptr<FreshVirtineHandler> handler,
        FreshVirtineHandler::Boot(image_, options_, memory_, budget_));
    RequestHandler* raw = handler.get();
    live_.emplace(raw, std::move(handler));
    return raw;
  }

  absl::Status Release(RequestHandler* handler) override {
    live_.erase(handler);  // and its VM
    return absl::OkStatus();
  }

  size_t in_use() const override { return live_.size(); }
  size_t capacity() const override { return capacity_; }
  size_t input_capacity() const override { return input_capacity_; }

 private:
  const Image image_;
  const VirtineOptions options_;
  const uint64_t memory_;
  const size_t capacity_;
  const absl::Duration budget_;
  const size_t input_capacity_;
  absl::flat_hash_map<RequestHandler*, std::unique_ptr<FreshVirtineHandler>>
      live_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeFreshVirtineHandlerPool(
    const Image& image, const VirtineOptions& options, uint64_t memory_bytes,
    size_t capacity, absl::Duration cpu_budget) {
  // One boot up front: the image loads, is request-scoped, and says how
  // large its input is.
  ASSIGN_OR_RETURN(
      std::unique_ptr<FreshVirtineHandler> probe,
      FreshVirtineHandler::Boot(image, options, memory_bytes, cpu_budget));
  return std::make_unique<FreshVirtineHandlerPool>(image, options, memory_bytes,
                                                   capacity, cpu_budget,
                                                   probe->input_capacity());
}

absl::StatusOr<std::unique_ptr<RequestHandlerPool>> MakeVirtineHandlerPool(
    std::unique_ptr<Cache> cache, size_t capacity, absl::Duration cpu_budget) {
  ASSIGN_OR_RETURN(Virtine * probe, cache->acquire());
  std::optional<uint64_t> area = probe->request_area();
  absl::StatusOr<wasp_request_area> fields =
      area ? probe->memory().ReadValue<wasp_request_area>(*area)
           : absl::FailedPreconditionError("no request area");
  uint64_t in = fields.ok() ? fields->in : 0;
  uint32_t in_cap = fields.ok() ? fields->in_cap : 0;
  // The input goes where every reset restores it: nothing of one run may
  // stay behind for the next.
  bool usable =
      fields.ok() && in_cap > 0 && probe->InWritableRegion(in, in_cap);
  RETURN_IF_ERROR(cache->put(probe));
  if (!area) {
    return absl::FailedPreconditionError(
        "the image took its snapshot without a request area");
  }
  if (!usable) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the request area's input buffer [%#x, +%#x) is not in the guest's "
        "writable memory",
        in, in_cap));
  }
  return std::make_unique<VirtineHandlerPool>(std::move(cache), capacity,
                                              cpu_budget, *area, in, in_cap);
}

}  // namespace wasp
