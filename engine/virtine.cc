#include "engine/virtine.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>

#include "absl/strings/str_format.h"
#include "engine/kvm/kvm_system.h"
#include "engine/status_macros.h"
#include "engine/x86/long_mode.h"
#include "engine/x86/real_mode.h"
#include "guest/abi/hypercall.h"

namespace wasp {
namespace {

bool HasErrorCode(uint8_t vector) {
  return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
         vector == 21 || vector == 29 || vector == 30;
}

constexpr uint8_t kHltOpcode = 0xF4;

}  // namespace

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
  ASSIGN_OR_RETURN(const KvmSystem* kvm, KvmSystem::Get());
  ASSIGN_OR_RETURN(GuestMemory memory, GuestMemory::Allocate(bytes));
  ASSIGN_OR_RETURN(std::unique_ptr<Vm> vm, Vm::Create(*kvm));
  RETURN_IF_ERROR(vm->MapMemory(0, 0, memory.host_base(), memory.size()));
  ASSIGN_OR_RETURN(std::unique_ptr<Vcpu> vcpu, Vcpu::Create(*vm, 0));
  budget_ = std::make_unique<RunBudget>(&vcpu->run());
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
  ASSIGN_OR_RETURN(kvm_sregs sregs, vcpu_->GetSregs());
  if (long_mode) {
    RETURN_IF_ERROR(
        x86::BuildSystemArea(memory_, {address, address + read_only_size}));
    x86::SetLongModeSregs(sregs);
    boot_regs_ = x86::LongModeEntryRegs(entry, memory_.size());
  } else {
    x86::SetRealModeSregs(sregs);
    boot_regs_ = x86::RealModeEntryRegs(entry);
  }
  boot_sregs_ = sregs;
  if (!loaded_) {
    ASSIGN_OR_RETURN(boot_fpu_, vcpu_->GetFpu());
  }
  boot_memory_.assign(memory_.host_base(),
                      memory_.host_base() + memory_.size());
  loaded_ = true;
  return RestoreBootState();
}

absl::Status Virtine::CheckReady() const {
  if (vcpu_ == nullptr) {
    return absl::FailedPreconditionError("run() before allocate_memory()");
  }
  if (!loaded_) {
    return absl::FailedPreconditionError("run() before an image was loaded");
  }
  return absl::OkStatus();
}

absl::StatusOr<Exit> Virtine::run(absl::Time deadline) {
  RETURN_IF_ERROR(CheckReady());
  if (poisoned_) return poison_exit_;
  ++stats_.runs;
  budget_->Arm(deadline);
  absl::StatusOr<Exit> exit = RunLoop();
  budget_->Disarm();
  return exit;
}

absl::StatusOr<Exit> Virtine::RunLoop() {
  kvm_run& run = vcpu_->run();
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
  const kvm_run& run = vcpu_->run();
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
  if (options_.hypercalls == nullptr) {
    return Exit{.reason = ExitReason::Hypercall, .hypercall = call};
  }
  const HypercallHandler* handler = options_.hypercalls->Find(call.number);
  if (handler == nullptr) {
    ++stats_.unknown_hypercalls;
    if (fault_on_bad) {
      return Poison(FaultExit(FaultKind::kBadHypercall, call.number));
    }
    set_hypercall_result(-WASP_ENOSYS);
    return std::nullopt;
  }
  HypercallResult result = (*handler)(*this, call);
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
    poisoned_ = true;
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
  poisoned_ = true;
  poison_exit_ = exit;
  return exit;
}

absl::Status Virtine::reset() {
  RETURN_IF_ERROR(CheckReady());
  ++stats_.resets;
  return RestoreBootState();
}

absl::Status Virtine::RestoreBootState() {
  RETURN_IF_ERROR(vcpu_->ClearEvents());
  RETURN_IF_ERROR(vcpu_->SetSregs(boot_sregs_));
  RETURN_IF_ERROR(vcpu_->SetFpu(boot_fpu_));
  std::memcpy(memory_.host_base(), boot_memory_.data(), boot_memory_.size());
  vcpu_->mutable_regs() = boot_regs_;
  __atomic_store_n(&vcpu_->run().immediate_exit, 0, __ATOMIC_SEQ_CST);
  poisoned_ = false;
  return absl::OkStatus();
}

}  // namespace wasp
