#include "tools/artifacts/echo_guests.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "guest/abi/hypercall.h"
#include "tests/guests/boot/echo_boot_image.h"
#include "tests/guests/boot/echo_long_image.h"

namespace wasp::artifacts {
namespace {

constexpr std::array<const char*, kEchoMilestoneCount - kMilestoneCount>
    kServerMilestoneNames = {"main", "ready", "received", "sent", "done"};

}  // namespace

const char* EchoMilestoneName(int id) {
  if (id >= 0 && id < kMilestoneCount) return kMilestoneNames[id];
  if (id >= kMilestoneCount && id < kEchoMilestoneCount) {
    return kServerMilestoneNames[id - kMilestoneCount];
  }
  return "?";
}

std::vector<EchoVariant> EchoVariants() {
  return {
      {EchoStart::kSelfBoot, "self_boot",
       "self-boot: real mode -> long mode CPL0 (upstream's way)", 0},
      {EchoStart::kDirect, "direct",
       "Wasp direct entry: host-built long mode CPL3, no snapshot", kEchoMain},
      {EchoStart::kSnapshot, "snapshot",
       "Wasp server: restored at ready (reset + call)", kEchoReady},
  };
}

absl::StatusOr<std::unique_ptr<EchoVirtine>> EchoVirtine::Create(
    EchoStart start, absl::Duration budget) {
  std::unique_ptr<EchoVirtine> echo(new EchoVirtine(start));
  RETURN_IF_ERROR(echo->Start(budget));
  return echo;
}

absl::Status EchoVirtine::Start(absl::Duration budget) {
  RETURN_IF_ERROR(hypercalls_.Register(
      kMilestoneHypercall,
      [this](Virtine&, const Hypercall& call) { return Report(call); }));
  RETURN_IF_ERROR(hypercalls_.Register(
      kEchoRecvHypercall, [this](Virtine& virtine, const Hypercall& call) {
        return Recv(virtine, call);
      }));
  RETURN_IF_ERROR(hypercalls_.Register(
      kEchoSendHypercall, [this](Virtine& virtine, const Hypercall& call) {
        return Send(virtine, call);
      }));
  const bool self_boot = start_ == EchoStart::kSelfBoot;
  VirtineOptions options{
      .mode = self_boot ? Mode::kReal : Mode::kLong,
      .snapshots = start_ == EchoStart::kSnapshot,
      .budget = budget,
      .hypercalls = &hypercalls_,
      .allowlist =
          HypercallAllowlist::Of({kMilestoneHypercall, kEchoRecvHypercall,
                                  kEchoSendHypercall, WASP_HC_SNAPSHOT}),
      .bad_hypercalls = BadHypercallPolicy::kFault,
  };
  ASSIGN_OR_RETURN(virtine_, Virtine::Create(kBootGuestMemory, options));
  RETURN_IF_ERROR(
      virtine_->load(self_boot ? images::echo_boot() : images::echo_long()));
  if (start_ != EchoStart::kSnapshot) return absl::OkStatus();
  ASSIGN_OR_RETURN(Exit exit, virtine_->run_to_snapshot(absl::Now() + budget));
  if (exit.reason != ExitReason::Hypercall ||
      exit.hypercall.number != WASP_HC_SNAPSHOT || !virtine_->has_snapshot()) {
    return absl::InternalError(absl::StrCat(
        "the echo server stopped before its snapshot: ", exit.ToString()));
  }
  return absl::OkStatus();
}

absl::StatusOr<EchoRun> EchoVirtine::Serve(absl::Span<const uint8_t> request,
                                           absl::Duration budget) {
  if (request.empty() || request.size() > kEchoBufferSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("a request has 1 to %d bytes, not %d", kEchoBufferSize,
                        request.size()));
  }
  EchoRun run;
  uint64_t start = ReadTsc();
  RETURN_IF_ERROR(virtine_->reset());
  run.reset_cycles = ReadTsc() - start;
  run_ = &run;
  request_ = request;
  // The server receives the first bytes as its call's argument.
  request_delivered_ = start_ == EchoStart::kSnapshot;
  absl::Time deadline = absl::Now() + budget;
  absl::StatusOr<Exit> exit;
  run_start_ = ReadTsc();
  if (start_ == EchoStart::kSnapshot) {
    absl::StatusOr<CallResult> result = virtine_->call(request, deadline);
    exit = result.ok() ? absl::StatusOr<Exit>(result->exit) : result.status();
  } else {
    exit = virtine_->run(deadline);
  }
  run_ = nullptr;
  request_ = {};
  if (!exit.ok()) return exit.status();
  if (exit->reason != ExitReason::Exited) {
    return absl::InternalError(
        absl::StrCat("the echo server stopped: ", exit->ToString()));
  }
  if (run.milestones.empty()) {
    return absl::InternalError("the echo server reported no milestones");
  }
  run.exit_code = exit->exit_code;
  return run;
}

HypercallResult EchoVirtine::Recv(Virtine& virtine, const Hypercall& call) {
  if (run_ == nullptr) return HypercallResult::Fault();
  ++run_->recv_calls;
  // The client sends its request, then closes.
  if (request_delivered_) return HypercallResult::Return(0);
  uint64_t length = std::min<uint64_t>(call.args[1], request_.size());
  auto buffer = virtine.memory().TranslateGuestBuffer(
      call.args[0], length, virtine.writable_region());
  if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
  std::copy(request_.begin(), request_.begin() + length, buffer->begin());
  request_delivered_ = true;
  return HypercallResult::Return(static_cast<int64_t>(length));
}

HypercallResult EchoVirtine::Send(Virtine& virtine, const Hypercall& call) {
  if (run_ == nullptr) return HypercallResult::Fault();
  ++run_->send_calls;
  auto buffer = virtine.memory().Translate(call.args[0], call.args[1]);
  if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
  run_->reply.insert(run_->reply.end(), buffer->begin(), buffer->end());
  return HypercallResult::Return(static_cast<int64_t>(buffer->size()));
}

HypercallResult EchoVirtine::Report(const Hypercall& call) {
  if (run_ == nullptr || run_->milestones.size() >= kEchoMilestoneCount) {
    return HypercallResult::Fault();
  }
  if (run_->milestones.empty()) run_->run_cycles = ReadTsc() - run_start_;
  const uint64_t low = call.args[1] & 0xFFFFFFFF;
  const uint64_t high = call.args[2] & 0xFFFFFFFF;
  run_->milestones.push_back(
      {static_cast<int>(call.args[0]), high << 32 | low});
  return HypercallResult::Return(0);
}

absl::Status CheckEchoRun(const EchoVariant& variant, const EchoRun& run,
                          absl::Span<const uint8_t> request) {
  // The self-booting guest reports the boot's milestones too.
  const int first_reported =
      variant.start == EchoStart::kSelfBoot ? 0 : kEchoMain;
  if (run.milestones.size() !=
      static_cast<size_t>(kEchoMilestoneCount - first_reported)) {
    return absl::InternalError(
        absl::StrFormat("%d milestones reported, not %d", run.milestones.size(),
                        kEchoMilestoneCount - first_reported));
  }
  for (size_t i = 0; i < run.milestones.size(); ++i) {
    const int id = first_reported + static_cast<int>(i);
    if (run.milestones[i].id != id) {
      return absl::InternalError(
          absl::StrFormat("milestone %d is %d, not %d (%s)", i,
                          run.milestones[i].id, id, EchoMilestoneName(id)));
    }
    if (i > 0 && run.milestones[i].tsc < run.milestones[i - 1].tsc) {
      return absl::InternalError(absl::StrFormat(
          "%s before %s", EchoMilestoneName(id), EchoMilestoneName(id - 1)));
    }
  }
  if (run.reply != std::vector<uint8_t>(request.begin(), request.end())) {
    return absl::InternalError(absl::StrFormat(
        "the reply (%d bytes) differs from the request (%d bytes)",
        run.reply.size(), request.size()));
  }
  if (run.exit_code != static_cast<int64_t>(request.size())) {
    return absl::InternalError(
        absl::StrFormat("exit code %d, not the %d bytes echoed", run.exit_code,
                        request.size()));
  }
  return absl::OkStatus();
}

}  // namespace wasp::artifacts
