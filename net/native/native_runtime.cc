#include "net/native/native_runtime.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/write_all.h"
#include "guest/abi/hypercall.h"

namespace wasp {
namespace {

thread_local NativeHost* current_host = nullptr;

AllocationArena* CurrentArena() {
  return current_host != nullptr ? current_host->arena() : nullptr;
}

// Marks a live block; anything else in its place is a pointer wasp_malloc
// did not hand out, or one freed twice.
constexpr uint64_t kLiveBlock = 0x77617370626c6b31;  // "waspblk1"
constexpr uint64_t kDeadBlock = 0;

}  // namespace

// The header in front of every block wasp_malloc hands out; a multiple of
// 16 bytes, so payloads keep libc's 16-byte alignment.
struct alignas(16) NativeBlock {
  uint64_t magic;
  size_t size;  // payload bytes
  AllocationArena* owner;
  NativeBlock* prev;
  NativeBlock* next;
};
static_assert(sizeof(NativeBlock) % 16 == 0, "payloads stay 16-byte aligned");

struct NativeBlockList {
  static void Link(AllocationArena* arena, NativeBlock* block) {
    block->owner = arena;
    block->prev = nullptr;
    block->next = nullptr;
    if (arena == nullptr) return;
    block->next = arena->head_;
    if (arena->head_ != nullptr) arena->head_->prev = block;
    arena->head_ = block;
    ++arena->live_blocks_;
  }

  static void Unlink(NativeBlock* block) {
    AllocationArena* arena = block->owner;
    if (arena == nullptr) return;
    if (block->prev != nullptr) block->prev->next = block->next;
    if (block->next != nullptr) block->next->prev = block->prev;
    if (arena->head_ == block) arena->head_ = block->next;
    --arena->live_blocks_;
  }
};

void AllocationArena::FreeAll() {
  while (head_ != nullptr) {
    NativeBlock* block = head_;
    head_ = block->next;
    block->magic = kDeadBlock;
    std::free(block);
  }
  live_blocks_ = 0;
}

ScopedNativeHost::ScopedNativeHost(NativeHost* host) : previous_(current_host) {
  current_host = host;
}

ScopedNativeHost::~ScopedNativeHost() { current_host = previous_; }

NativeHost* CurrentNativeHost() { return current_host; }

namespace {

void* Allocate(size_t size) {
  if (size > SIZE_MAX - sizeof(NativeBlock)) return nullptr;
  auto* block =
      static_cast<NativeBlock*>(std::malloc(sizeof(NativeBlock) + size));
  if (block == nullptr) return nullptr;
  block->magic = kLiveBlock;
  block->size = size;
  NativeBlockList::Link(CurrentArena(), block);
  return block + 1;
}

NativeBlock* BlockOf(void* ptr) {
  NativeBlock* block = static_cast<NativeBlock*>(ptr) - 1;
  if (block->magic != kLiveBlock) {
    // As the guest heap does, fault rather than corrupt the heap.
    if (current_host == nullptr) std::abort();
    current_host->Fault(
        "wasp_free or wasp_realloc of a pointer wasp_malloc "
        "did not hand out");
  }
  return block;
}

long CopyOut(absl::Span<const uint8_t> from, void* buf, size_t cap) {
  if (buf == nullptr && cap != 0) return -WASP_EFAULT;
  if (!from.empty() && cap != 0) {
    std::memcpy(buf, from.data(), from.size() < cap ? from.size() : cap);
  }
  return static_cast<long>(from.size());
}

absl::Span<uint8_t> In(void* buf, size_t cap) {
  return absl::Span<uint8_t>(static_cast<uint8_t*>(buf), cap);
}

absl::Span<const uint8_t> Out(const void* buf, size_t len) {
  return absl::Span<const uint8_t>(static_cast<const uint8_t*>(buf), len);
}

}  // namespace
}  // namespace wasp

using wasp::current_host;

extern "C" {

long wasp_write(const void* buf, size_t len) {
  // The guest console is the host's stdout (see engine/console.h).
  size_t done = wasp::WriteAll(STDOUT_FILENO, buf, len);
  return done > 0 || len == 0 ? static_cast<long>(done) : -WASP_EINVAL;
}

long wasp_puts(const char* s) {
  long written = wasp_write(s, std::strlen(s));
  if (written < 0) return written;
  long newline = wasp_write("\n", 1);
  return newline < 0 ? newline : written + newline;
}

long wasp_get_arg(void* buf, size_t cap) {
  if (current_host == nullptr) return wasp::CopyOut({}, buf, cap);
  return wasp::CopyOut(current_host->Arg(), buf, cap);
}

long wasp_set_result(const void*, size_t len) {
  // Network apps answer through their socket; a result goes nowhere.
  return len > WASP_CALL_RESULT_MAX ? -WASP_EINVAL : 0;
}

long wasp_get_config(void* buf, size_t cap) {
  if (current_host == nullptr) return -WASP_ENOSYS;
  return wasp::CopyOut(current_host->Config(), buf, cap);
}

long wasp_recv(void* buf, size_t cap) {
  if (current_host == nullptr) return -WASP_ENOSYS;
  if (buf == nullptr && cap != 0) return -WASP_EFAULT;
  return current_host->Recv(wasp::In(buf, cap));
}

long wasp_send(const void* buf, size_t len) {
  if (current_host == nullptr) return -WASP_ENOSYS;
  if (buf == nullptr && len != 0) return -WASP_EFAULT;
  return current_host->Send(wasp::Out(buf, len));
}

long wasp_send_recv(const void* out, size_t out_len, void* in, size_t in_cap) {
  if (current_host == nullptr) return -WASP_ENOSYS;
  if ((out == nullptr && out_len != 0) || (in == nullptr && in_cap != 0)) {
    return -WASP_EFAULT;
  }
  return current_host->SendRecv(wasp::Out(out, out_len), wasp::In(in, in_cap));
}

void wasp_send_close(const void* buf, size_t len) {
  if (current_host == nullptr || (buf == nullptr && len != 0)) wasp_exit(1);
  current_host->SendClose(wasp::Out(buf, len));
}

// Natively the app's initialised state simply stays in memory: every
// connection starts from it, as every call of a virtine starts from its
// snapshot. Apps read the argument with wasp_get_arg, never from the area.
long wasp_snapshot(void) { return 0; }

long wasp_snapshot_call_area(struct wasp_call_area*) { return 0; }

void wasp_exit(int code) {
  if (current_host == nullptr) ::_exit(code);
  current_host->Exit(code);
  std::abort();  // Exit does not return; the compiler cannot see that
}

uintptr_t wasp_stack_top(void) {
  return current_host != nullptr ? current_host->stack_top() : 0;
}

void* wasp_malloc(size_t size) { return wasp::Allocate(size); }

void wasp_free(void* ptr) {
  if (ptr == nullptr) return;
  wasp::NativeBlock* block = wasp::BlockOf(ptr);
  if (block->owner != wasp::CurrentArena()) return;  // not ours to free
  wasp::NativeBlockList::Unlink(block);
  block->magic = wasp::kDeadBlock;
  std::free(block);
}

void* wasp_calloc(size_t count, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) return nullptr;
  void* ptr = wasp::Allocate(bytes);
  if (ptr != nullptr) std::memset(ptr, 0, bytes);
  return ptr;
}

void* wasp_realloc(void* ptr, size_t size) {
  if (ptr == nullptr) return wasp::Allocate(size);
  wasp::NativeBlock* block = wasp::BlockOf(ptr);
  if (size == 0) {
    wasp_free(ptr);
    return nullptr;
  }
  if (block->owner != wasp::CurrentArena()) {
    // Someone else's block: copy it into a block of ours, leave it be.
    void* moved = wasp::Allocate(size);
    if (moved != nullptr) {
      std::memcpy(moved, ptr, block->size < size ? block->size : size);
    }
    return moved;
  }
  if (size > SIZE_MAX - sizeof(wasp::NativeBlock)) return nullptr;
  wasp::AllocationArena* arena = block->owner;
  wasp::NativeBlockList::Unlink(block);
  auto* grown = static_cast<wasp::NativeBlock*>(
      std::realloc(block, sizeof(wasp::NativeBlock) + size));
  if (grown == nullptr) {
    wasp::NativeBlockList::Link(arena, block);  // the old block stays valid
    return nullptr;
  }
  grown->size = size;
  wasp::NativeBlockList::Link(arena, grown);
  return grown + 1;
}

}  // extern "C"
