#include "engine/x86/long_mode.h"

#include <cpuid.h>

#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/image.h"
#include "engine/restore_trampoline_image.h"
#include "guest/abi/hypercall.h"

namespace wasp::x86 {
namespace {

constexpr uint64_t kGdt = 0x1000;
constexpr uint64_t kTss = 0x1080;
constexpr uint64_t kIdt = 0x1200;
constexpr uint64_t kStubs = 0x1400;
constexpr uint64_t kPml4 = 0x2000;
constexpr uint64_t kPdpt = 0x3000;
constexpr uint64_t kPd = 0x4000;
constexpr uint64_t kPt = 0x5000;
constexpr uint64_t kResumeRip = 0x7110;
constexpr uint64_t kFxsaveImage = 0x7200;

constexpr int kVectors = 32;
constexpr uint64_t kStubSize = 8;
constexpr uint16_t kKernelCode = 0x08;
constexpr uint16_t kUserData = 0x18 | 3;
constexpr uint16_t kUserCode = 0x20 | 3;
constexpr uint16_t kTssSelector = 0x28;
constexpr uint64_t kTssSize = 104;
// The I/O permission bitmap after the TSS opens ports 0-0xFF to CPL3 (a
// clear bit allows); the ABI's ports are among them and any other port in
// that range exits to the host, which reports it. Higher ports raise #GP.
constexpr uint64_t kIoBitmapBytes = 0x100 / 8;
constexpr uint64_t kTssLimit = kTssSize + kIoBitmapBytes;  // + the 0xFF end

constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kAccessed = 0x20,
                   kDirty = 0x40, kHuge = 0x80, kNoExecute = 1ull << 63;
constexpr uint64_t k2M = 2ull << 20;

static_assert(kTss + kTssLimit < kIdt, "TSS and I/O bitmap overlap the IDT");
static_assert(kIdt + kVectors * 16 <= kStubs, "IDT overlaps the stubs");
static_assert(kStubs + kVectors * kStubSize <= kPml4, "stubs leave the page");
static_assert(kFxsaveImage % 16 == 0, "FXRSTOR needs 16-byte alignment");
static_assert(kFxsaveImage + kFxsaveSize <= kRestoreTrampoline + 4096);

constexpr uint64_t kCr0 = 0x80010033;  // PG | WP | NE | ET | MP | PE
constexpr uint64_t kCr4 = 0x620;       // OSXMMEXCPT | OSFXSR | PAE
constexpr uint64_t kEfer = 0xD00;      // NXE | LMA | LME

template <typename T>
T* At(GuestMemory& memory, uint64_t address) {
  return reinterpret_cast<T*>(memory.host_base() + address);
}

void WriteGdt(GuestMemory& memory) {
  uint64_t* gdt = At<uint64_t>(memory, kGdt);
  gdt[0] = 0;
  // Accessed bits preset: the CPU never writes the GDT.
  gdt[1] = 0x00209B0000000000;  // kernel code, 64-bit
  gdt[2] = 0x00CF93000000FFFF;  // kernel data
  gdt[3] = 0x00CFF3000000FFFF;  // user data, DPL3
  gdt[4] = 0x0020FB0000000000;  // user code, 64-bit, DPL3
  uint64_t limit = kTssLimit;
  gdt[5] = (limit & 0xFFFF) | ((kTss & 0xFFFFFF) << 16) | (0x89ull << 40) |
           (((kTss >> 24) & 0xFF) << 56);
  gdt[6] = kTss >> 32;
  uint8_t* tss = At<uint8_t>(memory, kTss);
  std::memset(tss, 0, kTssLimit + 1);
  uint64_t rsp0 = kExceptionStackTop;
  std::memcpy(tss + 4, &rsp0, sizeof rsp0);
  uint16_t io_bitmap = kTssSize;
  std::memcpy(tss + 102, &io_bitmap, sizeof io_bitmap);
  tss[kTssLimit] = 0xFF;
}

// Each vector's stub reports itself on the fault port: mov al, N; out; jmp $.
void WriteIdt(GuestMemory& memory) {
  for (int v = 0; v < kVectors; ++v) {
    uint64_t stub = kStubs + v * kStubSize;
    uint8_t code[kStubSize] = {
        0xB0, static_cast<uint8_t>(v), 0xE6, WASP_PORT_FAULT, 0xEB, 0xFE, 0x90,
        0x90};
    std::memcpy(At<uint8_t>(memory, stub), code, sizeof code);
    uint64_t* gate = At<uint64_t>(memory, kIdt + v * 16);
    gate[0] = (stub & 0xFFFF) | (uint64_t{kKernelCode} << 16) |
              (0x8Eull << 40) | (((stub >> 16) & 0xFFFF) << 48);
    gate[1] = stub >> 32;
  }
}

bool Overlaps(uint64_t start, uint64_t end, CodeRange code) {
  return start < code.end && code.start < end;
}

// Leaf flags for the user page [start, start + size).
uint64_t UserLeafFlags(uint64_t start, uint64_t size, CodeRange code) {
  uint64_t flags = kPresent | kUser | kAccessed | kDirty;
  if (code.start == code.end) return flags | kWritable;
  uint64_t end = start + size;
  if (start >= code.start && end <= code.end) return flags;  // R-X
  if (Overlaps(start, end, code)) return flags | kWritable;  // RWX (shared)
  return flags | kWritable | kNoExecute;                     // RW-
}

void WritePageTables(GuestMemory& memory, CodeRange code) {
  uint64_t table = kPresent | kWritable | kUser | kAccessed;
  auto* pml4 = At<uint64_t>(memory, kPml4);
  auto* pdpt = At<uint64_t>(memory, kPdpt);
  auto* pd = At<uint64_t>(memory, kPd);
  auto* pt = At<uint64_t>(memory, kPt);
  std::memset(pml4, 0, kPageTablesEnd - kPageTablesStart);
  pml4[0] = kPdpt | table;
  pdpt[0] = kPd | table;
  pd[0] = kPt | table;
  // Pages past the end of memory are mapped too: touching them is reported
  // as an access outside memory, with its address, rather than a page fault.
  for (uint64_t i = 1; i < 512; ++i) {
    pd[i] = i * k2M | kHuge | UserLeafFlags(i * k2M, k2M, code);
  }
  pt[0] = 0;  // null page
  for (uint64_t i = 1; i < 512; ++i) {
    uint64_t page = i * kPageSize;
    if (page == kRestoreTrampoline) {
      pt[i] = page | kPresent | kUser | kAccessed | kDirty;  // R-X at CPL3
    } else if (page < WASP_SYSTEM_AREA_END) {
      uint64_t exec = page == kGdt ? 0 : kNoExecute;  // the stubs live there
      pt[i] = page | kPresent | kWritable | kAccessed | kDirty | exec;
    } else {
      pt[i] = page | UserLeafFlags(page, kPageSize, code);
    }
  }
}

// The type the task register holds: busy (11), as VMX entry demands in long
// mode, except on SVM hosts. SVM ignores the type, and QEMU's emulated SVM
// (how the tests run where the host has no KVM) honours the I/O bitmap of an
// available TSS (9) only, so every `out` would raise #GP there.
uint8_t TaskRegisterType() {
  static const uint8_t type = [] {
    unsigned eax, ebx, ecx, edx;
    bool svm =
        __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 2));
    return svm ? 9 : 11;
  }();
  return type;
}

kvm_segment Segment(uint16_t selector, uint8_t type, bool code) {
  return kvm_segment{.base = 0,
                     .limit = 0xFFFFFFFF,
                     .selector = selector,
                     .type = type,
                     .present = 1,
                     .dpl = static_cast<uint8_t>(selector & 3),
                     .db = static_cast<uint8_t>(code ? 0 : 1),
                     .s = 1,
                     .l = static_cast<uint8_t>(code ? 1 : 0),
                     .g = 1,
                     .avl = 0,
                     .unusable = 0,
                     .padding = 0};
}

}  // namespace

absl::Status BuildSystemArea(GuestMemory& memory, CodeRange code) {
  if (memory.size() <= WASP_SYSTEM_AREA_END ||
      memory.size() > WASP_MAX_LONG_MODE_MEMORY) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "a long-mode virtine needs more than %#x and at most %#x bytes of "
        "memory, not %#x",
        WASP_SYSTEM_AREA_END, WASP_MAX_LONG_MODE_MEMORY, memory.size()));
  }
  std::memset(memory.host_base(), 0, WASP_SYSTEM_AREA_END);
  WriteGdt(memory);
  WriteIdt(memory);
  WritePageTables(memory, code);
  Image trampoline = images::restore_trampoline();
  std::memcpy(At<uint8_t>(memory, kRestoreTrampoline), trampoline.bytes.data(),
              trampoline.bytes.size());
  return absl::OkStatus();
}

void WriteRestorePage(GuestMemory& memory, uint64_t rip,
                      const uint8_t* fxsave) {
  std::memcpy(At<uint8_t>(memory, kResumeRip), &rip, sizeof rip);
  std::memcpy(At<uint8_t>(memory, kFxsaveImage), fxsave, kFxsaveSize);
}

void SetLongModeSregs(kvm_sregs& sregs) {
  sregs.cs = Segment(kUserCode, 11, /*code=*/true);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss =
      Segment(kUserData, 3, /*code=*/false);
  sregs.tr = kvm_segment{.base = kTss,
                         .limit = kTssLimit,
                         .selector = kTssSelector,
                         .type = TaskRegisterType(),
                         .present = 1};
  sregs.gdt = {.base = kGdt, .limit = 7 * 8 - 1};
  sregs.idt = {.base = kIdt, .limit = kVectors * 16 - 1};
  sregs.cr0 = kCr0;
  sregs.cr3 = kPml4;
  sregs.cr4 = kCr4;
  sregs.efer = kEfer;
}

kvm_regs LongModeEntryRegs(uint64_t entry, uint64_t stack_top) {
  kvm_regs regs = {};
  regs.rip = entry;
  regs.rsp = stack_top;
  // IOPL=0: `out` is allowed by the TSS I/O bitmap instead, which PVM
  // honours (it drops a guest's IOPL) and which keeps `cli` out of reach.
  regs.rflags = 0x2;
  return regs;
}

}  // namespace wasp::x86
