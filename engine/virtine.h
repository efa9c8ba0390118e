// A virtine: one KVM VM with one vCPU and its own memory, running one image.
// The public method names follow upstream Wasp (allocate_memory, load_binary,
// run) so that upstream embedders compile unchanged.
#ifndef WASP_ENGINE_VIRTINE_H_
#define WASP_ENGINE_VIRTINE_H_

#include <linux/kvm.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/budget.h"
#include "engine/call.h"
#include "engine/exit.h"
#include "engine/guest_memory.h"
#include "engine/hypercall.h"
#include "engine/image.h"
#include "engine/kvm/vcpu.h"
#include "engine/kvm/vm.h"
#include "engine/parked_virtine.h"
#include "engine/reset_strategy.h"
#include "engine/snapshot.h"
#include "engine/snapshot_image.h"

namespace wasp {

enum class Mode {
  kReal,  // 16-bit at the load address, as upstream (emulated on PVM)
  kLong,  // 64-bit at CPL3 with host-built page tables: the fast path
};

// WASP_NO_SNAPSHOT=1 in the environment: every start boots from the image.
bool SnapshotsDisabledByEnvironment();

struct VirtineOptions {
  Mode mode = Mode::kLong;
  // Honour WASP_HC_SNAPSHOT; when false, reset() always returns to boot.
  bool snapshots = !SnapshotsDisabledByEnvironment();
  ResetKind reset = ResetKind::kAuto;
  // CPU-time budget of a run() without an explicit deadline.
  absl::Duration budget = absl::Seconds(1);
  // Handlers for hypercalls; without a table every allowed hypercall is
  // returned to the caller as ExitReason::Hypercall (upstream behaviour).
  // Must outlive the virtine.
  const HypercallTable* hypercalls = nullptr;
  HypercallAllowlist allowlist = HypercallAllowlist::All();
  BadHypercallPolicy bad_hypercalls = BadHypercallPolicy::kReturnError;
  // What WASP_HC_GET_CONFIG returns (e.g. an HTTP docroot); without it that
  // hypercall goes to the table like any other.
  std::shared_ptr<const std::vector<uint8_t>> config;
};

struct VirtineStats {
  uint64_t runs = 0;
  uint64_t exits = 0;
  uint64_t hypercalls = 0;
  uint64_t refused_hypercalls = 0;  // not in the allowlist
  uint64_t unknown_hypercalls = 0;  // no handler in the table
  uint64_t faults = 0;
  uint64_t timeouts = 0;
  uint64_t resets = 0;
  uint64_t snapshots = 0;
};

// Opens /dev/kvm for this process, once; every virtine uses that descriptor,
// so a process may give up the right to open the device afterwards.
absl::Status OpenKvm();

// What a call() returned: how the guest stopped and, if it exited, its result.
struct CallResult {
  Exit exit;
  std::vector<uint8_t> result;
};

// Every virtine has at least this much memory: upstream images load at
// 0x8000 even when they ask for 16 KiB.
inline constexpr uint64_t kMinimumMemory = 64 << 10;

class Virtine final {
 public:
  // Upstream's virtine: real mode, as upstream images expect.
  Virtine();
  explicit Virtine(VirtineOptions options);
  // allocate_memory() in one step, for code that wants errors up front.
  static absl::StatusOr<std::unique_ptr<Virtine>> Create(
      uint64_t memory_bytes, VirtineOptions options = {});
  ~Virtine();
  Virtine(const Virtine&) = delete;
  Virtine& operator=(const Virtine&) = delete;

  // Creates the VM, its vCPU and `bytes` of zeroed memory, rounded up to
  // whole pages and at least kMinimumMemory.
  absl::Status allocate_memory(uint64_t bytes);
  // Copies a flat image to `guest_address`; it starts there.
  absl::Status load_binary(const std::string& path, uint64_t guest_address);
  absl::Status load_binary(absl::Span<const uint8_t> bytes,
                           uint64_t guest_address);
  absl::Status load(const Image& image);

  // Runs until the guest exits, halts, faults, makes a hypercall no handler
  // answers, or has used `deadline - now` of CPU time (time the thread is
  // preempted does not count). A status is a host failure only.
  absl::StatusOr<Exit> run(absl::Time deadline);
  absl::StatusOr<Exit> run() { return run(absl::Now() + options_.budget); }

  // Runs until the guest takes its snapshot (Exit: Hypercall
  // WASP_HC_SNAPSHOT) or stops without one; no handler runs meanwhile.
  absl::StatusOr<Exit> run_to_snapshot(absl::Time deadline);

  // One call: the argument is delivered, the guest runs until it stops, and
  // its result is collected. Use on a virtine fresh from load() or reset().
  absl::StatusOr<CallResult> call(absl::Span<const uint8_t> arg,
                                  absl::Time deadline);

  // Zero-copy argument delivery: the call area's argument bytes, to be
  // filled (by a socket, say) before start_call(). FailedPrecondition if the
  // guest registered no call area.
  absl::StatusOr<absl::Span<uint8_t>> call_argument_buffer();
  // call() for `length` argument bytes already in call_argument_buffer()
  // (0 without a call area: the guest then receives its argument itself).
  absl::StatusOr<Exit> start_call(size_t length, absl::Time deadline);

  // Back to the snapshot, or to the state right after load if the guest
  // took none: registers, CPU state and writable memory. Required after a
  // Fault or a long-mode Halted before running again.
  absl::Status reset();

  // A new virtine in this one's snapshot (or boot) state, without running
  // its initialisation again. Its memory maps the snapshot image
  // copy-on-write: a page it never writes costs no memory of its own.
  absl::StatusOr<std::unique_ptr<Virtine>> clone() const;

  // Hibernation. park() saves, for a virtine stopped at a hypercall (run()
  // returned ExitReason::Hypercall), what it changed since its snapshot: its
  // vCPU state and every page of writable memory that differs from the
  // snapshot. The caller may then reset it (Cache::put) and use it for
  // others. unpark() makes a virtine fresh from reset() or clone() of the
  // same snapshot that parked virtine again: run() (after
  // set_hypercall_result) continues where it stopped.
  absl::StatusOr<ParkedVirtine> park() const;
  absl::Status unpark(const ParkedVirtine& parked);

  // Zero-copy output: the snapshot's own immutable copy of [address,
  // address + length), if guest memory there still holds exactly those
  // bytes (pages nobody wrote since the last reset are not even compared).
  // The bytes stay valid after this virtine is reset, reused or destroyed,
  // for as long as the snapshot image lives: hold snapshot_image() to be
  // sure. FailedPrecondition if the guest or the host changed them.
  absl::StatusOr<absl::Span<const uint8_t>> snapshot_bytes(
      uint64_t address, uint64_t length) const;
  // The memory reset() returns to, shared with every clone; nullptr for a
  // virtine made to run once (ResetKind::kNone).
  std::shared_ptr<const SnapshotImage> snapshot_image() const {
    return snapshot_image_;
  }

  // The guest's struct wasp_request_area (WASP_HC_SNAPSHOT's second
  // argument), if it registered one.
  std::optional<uint64_t> request_area() const { return request_area_; }
  // Whether [address, address + size) lies in memory the guest may write
  // and every reset restores: where a host may put per-call data.
  bool InWritableRegion(uint64_t address, uint64_t size) const;
  const WritableRegion& writable_region() const { return writable_; }

  // The guest's general registers, read and written through kvm_run.
  const kvm_regs& regs() const { return vcpu_->regs(); }
  kvm_regs& mutable_regs() { return vcpu_->mutable_regs(); }
  // The value the pending hypercall returns to the guest (RAX).
  void set_hypercall_result(int64_t value) {
    mutable_regs().rax = static_cast<uint64_t>(value);
  }

  GuestMemory& memory() { return memory_; }
  const GuestMemory& memory() const { return memory_; }
  const VirtineOptions& options() const { return options_; }
  const VirtineStats& stats() const { return stats_; }
  // True after a fault until reset().
  bool poisoned() const { return state_ == State::kPoisoned; }
  bool has_snapshot() const { return has_snapshot_; }
  ResetKind reset_kind() const { return memory_reset_->kind(); }

 private:
  // Where the vCPU stands, for park() and unpark().
  enum class Phase {
    kFresh,        // as load(), reset() or clone() left it: nothing ran since
    kAtHypercall,  // stopped at a hypercall exit, resumable
    kStopped,      // anything else
  };

  // The VM and its vCPU, with `memory` in slot 0.
  absl::Status CreateMachine(GuestMemory memory);
  absl::Status CheckReady() const;
  absl::Status LoadAt(absl::Span<const uint8_t> bytes, uint64_t address,
                      uint64_t entry, uint64_t read_only_size);
  // Makes the current state the one reset() returns to.
  absl::Status Capture(const CpuState& cpu);
  // Memory's part: a new snapshot image (none for ResetKind::kNone).
  absl::Status CaptureMemory();
  // Memory and CPU back to the captured state.
  absl::Status Restore(bool full);
  // CPU only; `full`: every register by ioctl, not just what a clean exit
  // can have changed.
  absl::Status ResetCpu(bool full);
  absl::StatusOr<Exit> RunLoop();
  // nullopt: resume the guest.
  std::optional<Exit> HandleIo();
  std::optional<Exit> HandleHypercall();
  bool IsBuiltin(uint64_t number) const;
  std::optional<HypercallResult> HandleBuiltin(const Hypercall& call);
  HypercallResult TakeSnapshot(const Hypercall& call);
  // Fresh, and no host write into the writable region since.
  bool Pristine() const;
  HypercallResult CopyConfig(const Hypercall& call);
  Exit DecodeException(uint8_t vector);
  Exit Poison(Exit exit);
  Exit FaultExit(FaultKind kind, uint64_t address = 0, uint32_t vector = 0,
                 uint64_t error_code = 0);

  VirtineOptions options_;
  std::unique_ptr<Vm> vm_;
  std::unique_ptr<Vcpu> vcpu_;
  std::unique_ptr<RunBudget> budget_;
  GuestMemory memory_;

  // kUnloaded until an image is loaded; kPoisoned after a fault until
  // reset(), every run() returning poison_exit_.
  enum class State { kUnloaded, kReady, kPoisoned };
  State state_ = State::kUnloaded;
  Exit poison_exit_;
  // The last exit left the vCPU at CPL3 with nothing pending, so reset()
  // may take the fast path (no ioctl).
  bool clean_exit_ = true;
  bool stop_at_snapshot_ = false;
  bool has_snapshot_ = false;
  Phase phase_ = Phase::kFresh;
  WritableRegion writable_;
  CpuState restore_cpu_;  // with RIP at the restore trampoline in long mode
  std::shared_ptr<const SnapshotImage> snapshot_image_;
  std::unique_ptr<ResetStrategy> memory_reset_;
  CallChannel call_;
  std::optional<uint64_t> request_area_;
  VirtineStats stats_;
};

}  // namespace wasp

#endif  // WASP_ENGINE_VIRTINE_H_
