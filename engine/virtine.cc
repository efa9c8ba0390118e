#include "engine/virtine.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/kvm/kvm_system.h"
#include "engine/x86/long_mode.h"
#include "engine/x86/real_mode.h"
#include "guest/abi/hypercall.h"

namespace wasp {

absl::Status OpenKvm() { return KvmSystem::Get().status(); }
namespace {

bool HasErrorCode(uint8_t vector) {
  return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
         vector == 21 || vector == 29 || vector == 30;
}

constexpr uint8_t kHltOpcode = 0xF4;

bool SelectorsDiffer(const kvm_sregs& a, const kvm_sregs& b) {
  return a.cs.selector != b.cs.selector || a.ds.selector != b.ds.selector ||
         a.es.selector != b.es.selector || a.fs.selector != b.fs.selector ||
         a.gs.selector != b.gs.selector || a.ss.selector != b.ss.selector ||
         a.fs.base != b.fs.base || a.gs.base != b.gs.base;
}

}  // namespace

bool SnapshotsDisabledByEnvironment() {
  const char* value = std::getenv("WASP_NO_SNAPSHOT");
  return value != nullptr && *value != '\0' && std::string(value) != "0";
}

Virtine::Virtine() : Virtine(VirtineOptions{.mode = Mode::kReal}) {}

Virtine::Virtine(VirtineOptions options) : options_(std::move(options)) {}

Virtine::~Virtine() = default;

absl::StatusOr<std::unique_ptr<Virtine>> Virtine::Create(
    uint64_t memory_bytes, VirtineOptions options) {
  auto virtine = std::make_unique<Virtine>(std::move(options));
  RETURN_IF_ERROR(virtine->allocate_memory(memory_bytes));
  return virtine;
}

absl::Status Virtine::allocate_memory(uint64_t bytes) {
  if (vm_ != nullptr) {
    return absl::FailedPreconditionError(
        "allocate_memory() called twice on one virtine");
  }
  if (options_.mode == Mode::kLong && bytes > WASP_MAX_LONG_MODE_MEMORY) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "a long-mode virtine has at most %#x bytes of memory, not %#x",
        WASP_MAX_LONG_MODE_MEMORY, bytes));
  }
  bytes = std::max(bytes, kMinimumMemory);
  ASSIGN_OR_RETURN(GuestMemory memory, GuestMemory::Allocate(bytes));
  return CreateMachine(std::move(memory));
}

absl::Status Virtine::CreateMachine(GuestMemory memory) {
  ASSIGN_OR_RETURN(const KvmSystem* kvm, KvmSystem::Get());
  ASSIGN_OR_RETURN(std::unique_ptr<Vm> vm, Vm::Create(*kvm));
  RETURN_IF_ERROR(vm->MapMemory(0, 0, memory.host_base(), memory.size()));
  ASSIGN_OR_RETURN(std::unique_ptr<Vcpu> vcpu, Vcpu::Create(*vm, 0));
  budget_ = std::make_unique<RunBudget>(&vcpu->run_page());
  memory_ = std::move(memory);
  vm_ = std::move(vm);
  vcpu_ = std::move(vcpu);
  return absl::OkStatus();
}

absl::Status Virtine::load_binary(const std::string& path,
                                  uint64_t guest_address) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrFormat("cannot open image %s: %s", path, strerror(errno)));
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  if (file.bad()) {
    return absl::DataLossError(absl::StrFormat("cannot read image %s", path));
  }
  return load_binary(bytes, guest_address);
}

absl::Status Virtine::load_binary(absl::Span<const uint8_t> bytes,
                                  uint64_t guest_address) {
  return LoadAt(bytes, guest_address, guest_address, 0);
}

absl::Status Virtine::load(const Image& image) {
  if (image.entry < image.load_address ||
      image.entry >= image.load_address + image.bytes.size() ||
      image.read_only_size >
          (image.bytes.size() + kPageSize - 1) / kPageSize * kPageSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "image %s: entry %#x or read-only size %#x lies outside its %u bytes "
        "at %#x",
        image.name, image.entry, image.read_only_size, image.bytes.size(),
        image.load_address));
  }
  return LoadAt(image.bytes, image.load_address, image.entry,
                image.read_only_size);
}

absl::Status Virtine::LoadAt(absl::Span<const uint8_t> bytes, uint64_t address,
                             uint64_t entry, uint64_t read_only_size) {
  if (vcpu_ == nullptr) {
    return absl::FailedPreconditionError(
        "load before allocate_memory(): the virtine has no memory yet");
  }
  if (bytes.empty()) return absl::InvalidArgumentError("image is empty");
  bool long_mode = options_.mode == Mode::kLong;
  if (long_mode && address < WASP_SYSTEM_AREA_END) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "long-mode images load at %#x or above, not %#x (below is the "
        "system area)",
        WASP_SYSTEM_AREA_END, address));
  }
  if (!long_mode && (address >= (1 << 20) || entry > 0xFFFF)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "real-mode images start below 64 KiB, not at %#x", entry));
  }
  if (auto status = memory_.Write(address, bytes); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "image of %u bytes at %#x does not fit in %#x bytes of memory",
        bytes.size(), address, memory_.size()));
  }
  CpuState boot;
  ASSIGN_OR_RETURN(boot.sregs, vcpu_->GetSregs());
  ASSIGN_OR_RETURN(boot.xsave, vcpu_->GetXsave());
  uint64_t read_only_end =
      (address + read_only_size + kPageSize - 1) / kPageSize * kPageSize;
  if (long_mode) {
    RETURN_IF_ERROR(
        x86::BuildSystemArea(memory_, {address, address + read_only_size}));
    x86::SetLongModeSregs(boot.sregs);
    boot.regs = x86::LongModeEntryRegs(entry, memory_.size());
    writable_ = {read_only_size > 0 ? read_only_end : WASP_SYSTEM_AREA_END,
                 memory_.size()};
  } else {
    x86::SetRealModeSregs(boot.sregs);
    boot.regs = x86::RealModeEntryRegs(entry);
    writable_ = {0, memory_.size()};
  }
  ASSIGN_OR_RETURN(memory_reset_, MakeResetStrategy(options_.reset, *vm_, 0,
                                                    memory_, writable_));
  has_snapshot_ = false;
  request_area_.reset();
  state_ = State::kReady;
  RETURN_IF_ERROR(Capture(boot));
  return ResetCpu(/*full=*/true);  // memory is as just captured
}

// In long mode every start goes through the restore trampoline, which
// reloads the FPU/SSE state kept in the restore page.
absl::Status Virtine::Capture(const CpuState& cpu) {
  restore_cpu_ = cpu;
  if (options_.mode == Mode::kLong) {
    x86::WriteRestorePage(memory_, cpu.regs.rip, cpu.fxsave());
    restore_cpu_.regs.rip = x86::kRestoreTrampoline;
  }
  return CaptureMemory();
}

absl::Status Virtine::CaptureMemory() {
  snapshot_image_.reset();
  absl::Status created = absl::OkStatus();
  // A virtine that runs once never returns to anything.
  if (memory_reset_->kind() != ResetKind::kNone) {
    absl::StatusOr<std::shared_ptr<const SnapshotImage>> image =
        SnapshotImage::Create(memory_);
    if (image.ok()) snapshot_image_ = *std::move(image);
    created = image.status();
  }
  // Without an image reset() fails, rather than mix two snapshots.
  absl::Status captured = memory_reset_->Capture(memory_, snapshot_image_);
  return created.ok() ? captured : created;
}

absl::Status Virtine::Restore(bool full) {
  RETURN_IF_ERROR(memory_reset_->Restore(memory_));
  return ResetCpu(full);
}

absl::Status Virtine::ResetCpu(bool full) {
  if (full || options_.mode != Mode::kLong || !clean_exit_) {
    RETURN_IF_ERROR(RestoreCpu(*vcpu_, restore_cpu_));
  } else {
    vcpu_->mutable_regs() = restore_cpu_.regs;
    // A CPL3 guest can change its data segment selectors and nothing else
    // of these; reloading them is rare, so compare first.
    if (SelectorsDiffer(vcpu_->synced_sregs(), restore_cpu_.sregs)) {
      vcpu_->SetSregsOnEntry(restore_cpu_.sregs);
    }
  }
  __atomic_store_n(&vcpu_->run_page().immediate_exit, 0, __ATOMIC_SEQ_CST);
  state_ = State::kReady;
  clean_exit_ = true;
  phase_ = Phase::kFresh;
  return absl::OkStatus();
}

absl::Status Virtine::CheckReady() const {
  if (vcpu_ == nullptr) {
    return absl::FailedPreconditionError("run() before allocate_memory()");
  }
  if (state_ == State::kUnloaded) {
    return absl::FailedPreconditionError("run() before an image was loaded");
  }
  return absl::OkStatus();
}

absl::StatusOr<Exit> Virtine::run(absl::Time deadline) {
  RETURN_IF_ERROR(CheckReady());
  if (state_ == State::kPoisoned) return poison_exit_;
  ++stats_.runs;
  budget_->Arm(deadline == absl::InfiniteFuture() ? absl::InfiniteDuration()
                                                  : deadline - absl::Now());
  absl::StatusOr<Exit> exit = RunLoop();
  budget_->Disarm();
  // Only the ABI's ports leave the vCPU at CPL3 with nothing pending.
  clean_exit_ = exit.ok() && (exit->reason == ExitReason::Exited ||
                              exit->reason == ExitReason::Hypercall);
  phase_ = exit.ok() && exit->reason == ExitReason::Hypercall
               ? Phase::kAtHypercall
               : Phase::kStopped;
  return exit;
}

absl::StatusOr<Exit> Virtine::RunLoop() {
  kvm_run& run = vcpu_->run_page();
  for (;;) {
    if (int err = vcpu_->Run(); err != 0) {
      if (err != EINTR && err != EAGAIN) return ErrnoError("KVM_RUN", err);
      // Kicked: by our deadline, or late by an earlier one.
      __atomic_store_n(&run.immediate_exit, 0, __ATOMIC_SEQ_CST);
      if (budget_->Expired()) {
        ++stats_.timeouts;
        return Exit{.reason = ExitReason::Timeout};
      }
      continue;
    }
    ++stats_.exits;
    switch (run.exit_reason) {
      case KVM_EXIT_IO:
        if (std::optional<Exit> exit = HandleIo()) return *exit;
        break;
      case KVM_EXIT_HLT:
        return Exit{.reason = ExitReason::Halted};
      case KVM_EXIT_MMIO:
        return Poison(FaultExit(FaultKind::kOutsideMemory, run.mmio.phys_addr));
      case KVM_EXIT_SHUTDOWN:
        return Poison(FaultExit(FaultKind::kTripleFault));
      case KVM_EXIT_INTERNAL_ERROR:
        return Poison(
            FaultExit(run.internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                          ? FaultKind::kEmulationError
                          : FaultKind::kInternalError,
                      0, 0, run.internal.suberror));
      case KVM_EXIT_FAIL_ENTRY:
        return Poison(FaultExit(FaultKind::kInternalError, 0, 0,
                                run.fail_entry.hardware_entry_failure_reason));
      case KVM_EXIT_INTR:
        if (budget_->Expired()) {
          ++stats_.timeouts;
          return Exit{.reason = ExitReason::Timeout};
        }
        break;
      default:
        return Poison(FaultExit(FaultKind::kUnknownExit, 0, run.exit_reason));
    }
  }
}

std::optional<Exit> Virtine::HandleIo() {
  const kvm_run& run = vcpu_->run_page();
  if (run.io.direction != KVM_EXIT_IO_OUT) {
    return Poison(FaultExit(FaultKind::kUnknownPort, run.io.port));
  }
  switch (run.io.port) {
    case WASP_PORT_HYPERCALL:
      return HandleHypercall();
    case WASP_PORT_EXIT:
      return Exit{.reason = ExitReason::Exited,
                  .exit_code = static_cast<int64_t>(vcpu_->regs().rdi)};
    case WASP_PORT_FAULT:
      // Only the ring-0 stubs can reach the host through this port.
      if (options_.mode == Mode::kLong && (vcpu_->regs().rip >> 12) == 1) {
        const auto* data =
            reinterpret_cast<const uint8_t*>(&run) + run.io.data_offset;
        return DecodeException(*data);
      }
      [[fallthrough]];
    default:
      return Poison(FaultExit(FaultKind::kUnknownPort, run.io.port));
  }
}

std::optional<Exit> Virtine::HandleHypercall() {
  const kvm_regs& r = vcpu_->regs();
  Hypercall call{.number = r.rax,
                 .args = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9}};
  ++stats_.hypercalls;
  const bool fault_on_bad =
      options_.bad_hypercalls == BadHypercallPolicy::kFault;
  if (!options_.allowlist.Allows(call.number)) {
    ++stats_.refused_hypercalls;
    if (fault_on_bad) {
      return Poison(FaultExit(FaultKind::kBadHypercall, call.number));
    }
    set_hypercall_result(-WASP_EPERM);
    return std::nullopt;
  }
  // Before its snapshot a template may use the built-in hypercalls only:
  // nothing it does may be seen outside.
  if (stop_at_snapshot_ && !IsBuiltin(call.number)) {
    return Exit{.reason = ExitReason::Hypercall, .hypercall = call};
  }
  std::optional<HypercallResult> builtin = HandleBuiltin(call);
  const HypercallHandler* handler =
      options_.hypercalls ? options_.hypercalls->Find(call.number) : nullptr;
  if (!builtin && options_.hypercalls == nullptr) {
    return Exit{.reason = ExitReason::Hypercall, .hypercall = call};
  }
  if (!builtin && handler == nullptr) {
    ++stats_.unknown_hypercalls;
    if (fault_on_bad) {
      return Poison(FaultExit(FaultKind::kBadHypercall, call.number));
    }
    set_hypercall_result(-WASP_ENOSYS);
    return std::nullopt;
  }
  HypercallResult result = builtin ? *builtin : (*handler)(*this, call);
  if (stop_at_snapshot_ && call.number == WASP_HC_SNAPSHOT) {
    set_hypercall_result(result.value);
    return Exit{.reason = ExitReason::Hypercall, .hypercall = call};
  }
  switch (result.action) {
    case HypercallResult::Action::kReturn:
      set_hypercall_result(result.value);
      return std::nullopt;
    case HypercallResult::Action::kYield:
      return Exit{.reason = ExitReason::Hypercall, .hypercall = call};
    case HypercallResult::Action::kFault:
      return Poison(FaultExit(FaultKind::kBadHypercall, call.number));
  }
  return std::nullopt;
}

bool Virtine::IsBuiltin(uint64_t number) const {
  return number == WASP_HC_GET_ARG || number == WASP_HC_SET_RESULT ||
         number == WASP_HC_SNAPSHOT ||
         (number == WASP_HC_GET_CONFIG && options_.config != nullptr);
}

// The call and snapshot hypercalls every virtine understands; nullopt for
// the others.
std::optional<HypercallResult> Virtine::HandleBuiltin(const Hypercall& call) {
  switch (call.number) {
    case WASP_HC_GET_ARG:
      return call_.GetArg(memory_, writable_, call);
    case WASP_HC_SET_RESULT:
      return call_.SetResult(memory_, call);
    case WASP_HC_SNAPSHOT:
      return TakeSnapshot(call);
    case WASP_HC_GET_CONFIG:
      if (options_.config == nullptr) return std::nullopt;
      return CopyConfig(call);
    default:
      return std::nullopt;
  }
}

HypercallResult Virtine::CopyConfig(const Hypercall& call) {
  const std::vector<uint8_t>& config = *options_.config;
  uint64_t length = std::min<uint64_t>(call.args[1], config.size());
  auto buffer = memory_.TranslateGuestBuffer(call.args[0], length, writable_);
  if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
  std::copy(config.begin(), config.begin() + length, buffer->begin());
  return HypercallResult::Return(static_cast<int64_t>(config.size()));
}

// Captures the virtine right after this hypercall returns 0, then delivers
// the current call's argument, which must not be part of the snapshot.
HypercallResult Virtine::TakeSnapshot(const Hypercall& call) {
  // One snapshot per load: a call that took another would make its own
  // state (its argument, what it received) where every later call starts.
  if (has_snapshot_) return HypercallResult::Error(WASP_EPERM);
  const uint64_t area = call.args[0];
  const uint64_t requests = call.args[1];
  if (requests != 0 &&
      (requests % alignof(wasp_request_area) != 0 ||
       !InWritableRegion(requests, sizeof(wasp_request_area)))) {
    return HypercallResult::Error(WASP_EFAULT);
  }
  if (area != 0 && !call_.SetArea(area, writable_.start, writable_.end)) {
    return HypercallResult::Error(WASP_EFAULT);
  }
  if (requests != 0) request_area_ = requests;
  if (options_.snapshots) {
    absl::StatusOr<CpuState> cpu = CaptureCpu(*vcpu_);
    if (!cpu.ok()) return HypercallResult::Fault();
    cpu->regs.rax = 0;
    if (!Capture(*cpu).ok()) return HypercallResult::Fault();
    has_snapshot_ = true;
    ++stats_.snapshots;
  }
  call_.DeliverArgument(memory_);
  return HypercallResult::Return(0);
}

bool Virtine::InWritableRegion(uint64_t address, uint64_t size) const {
  return address >= writable_.start && address <= writable_.end &&
         writable_.end - address >= size;
}

// The stub's interrupt frame is on the exception stack: [error code,] RIP,
// CS, RFLAGS, RSP, SS.
Exit Virtine::DecodeException(uint8_t vector) {
  uint64_t frame = vcpu_->regs().rsp;
  uint64_t error_code = 0;
  if (HasErrorCode(vector)) {
    error_code = memory_.ReadValue<uint64_t>(frame).value_or(0);
    frame += 8;
  }
  uint64_t rip = memory_.ReadValue<uint64_t>(frame).value_or(0);
  Exit exit = FaultExit(FaultKind::kException, 0, vector, error_code);
  exit.fault.rip = rip;
  if (vector == 14) {
    if (auto sregs = vcpu_->GetSregs(); sregs.ok())
      exit.fault.address = sregs->cr2;
  }
  // `hlt` at CPL3 raises #GP; report it as the halt the guest asked for.
  if (vector == 13 && error_code == 0 &&
      memory_.ReadValue<uint8_t>(rip).value_or(0) == kHltOpcode) {
    exit = Exit{.reason = ExitReason::Halted};
    state_ = State::kPoisoned;
    poison_exit_ = exit;
    return exit;
  }
  return Poison(exit);
}

Exit Virtine::FaultExit(FaultKind kind, uint64_t address, uint32_t vector,
                        uint64_t error_code) {
  return Exit{.reason = ExitReason::Fault,
              .fault = {.kind = kind,
                        .rip = vcpu_->regs().rip,
                        .address = address,
                        .vector = vector,
                        .error_code = error_code}};
}

Exit Virtine::Poison(Exit exit) {
  ++stats_.faults;
  state_ = State::kPoisoned;
  poison_exit_ = exit;
  return exit;
}

absl::Status Virtine::reset() {
  RETURN_IF_ERROR(CheckReady());
  ++stats_.resets;
  return Restore(/*full=*/false);
}

absl::StatusOr<Exit> Virtine::run_to_snapshot(absl::Time deadline) {
  stop_at_snapshot_ = true;
  absl::StatusOr<Exit> exit = run(deadline);
  stop_at_snapshot_ = false;
  return exit;
}

absl::StatusOr<CallResult> Virtine::call(absl::Span<const uint8_t> arg,
                                         absl::Time deadline) {
  RETURN_IF_ERROR(CheckReady());
  RETURN_IF_ERROR(call_.SetArgument(arg));
  call_.DeliverArgument(memory_);
  ASSIGN_OR_RETURN(Exit exit, run(deadline));
  CallResult result{.exit = exit};
  if (exit.reason == ExitReason::Exited) {
    ASSIGN_OR_RETURN(result.result, call_.TakeResult(memory_));
  }
  return result;
}

absl::StatusOr<absl::Span<uint8_t>> Virtine::call_argument_buffer() {
  RETURN_IF_ERROR(CheckReady());
  return call_.ArgumentBuffer(memory_);
}

absl::StatusOr<Exit> Virtine::start_call(size_t length, absl::Time deadline) {
  RETURN_IF_ERROR(CheckReady());
  if (length > 0 && !call_.area()) {
    return absl::FailedPreconditionError(
        "start_call() with an argument on a virtine without a call area");
  }
  if (call_.area()) call_.CommitArgument(memory_, length);
  return run(deadline);
}

}  // namespace wasp
