// The guest runtime API (guest/runtime/wasp.h) for guest apps built as host
// code. Every call goes to the NativeHost installed on the calling thread:
// the coroutine of a connection, a forked child, or an app's initialisation.
// wasp_malloc & co. go to libc; blocks are tracked per connection when the
// host has an AllocationArena, so that what a connection leaves behind is
// freed with it, as a virtine's reset would.
#ifndef WASP_NET_NATIVE_NATIVE_RUNTIME_H_
#define WASP_NET_NATIVE_NATIVE_RUNTIME_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "net/native/native_api.h"

namespace wasp {

struct NativeBlock;

// The blocks wasp_malloc handed out while this arena's host was installed.
// Frees that reach another arena's block (or one from the app's
// initialisation) are ignored: that memory is not the connection's to give
// back. Used by one thread at a time.
class AllocationArena final {
 public:
  AllocationArena() = default;
  ~AllocationArena() { FreeAll(); }
  AllocationArena(const AllocationArena&) = delete;
  AllocationArena& operator=(const AllocationArena&) = delete;

  void FreeAll();
  size_t live_blocks() const { return live_blocks_; }

 private:
  friend struct NativeBlockList;
  NativeBlock* head_ = nullptr;
  size_t live_blocks_ = 0;
};

// What the runtime calls reach. Results follow guest/abi/hypercall.h:
// >= 0 on success, else -WASP_E*.
class NativeHost {
 public:
  virtual ~NativeHost() = default;

  virtual long Recv(absl::Span<uint8_t> in) = 0;
  // Sends all of `out`; returns out.size().
  virtual long Send(absl::Span<const uint8_t> out) = 0;
  virtual long SendRecv(absl::Span<const uint8_t> out,
                        absl::Span<uint8_t> in) = 0;
  // Sends all of `out`, then ends the connection as Exit(0) does.
  [[noreturn]] virtual void SendClose(absl::Span<const uint8_t> out) = 0;
  // The client's first bytes (wasp_get_arg) and the server's configuration
  // (wasp_get_config); the runtime copies from them.
  virtual absl::Span<const uint8_t> Arg() = 0;
  virtual absl::Span<const uint8_t> Config() = 0;
  // Ends the connection (wasp_exit); the app's code never runs again.
  [[noreturn]] virtual void Exit(int code) = 0;
  // Ends the connection as failed: the app broke the runtime's contract
  // (freed a pointer wasp_malloc did not hand out).
  [[noreturn]] virtual void Fault(std::string_view what) = 0;

  // Where wasp_malloc records blocks; nullptr: untracked, they live for ever.
  virtual AllocationArena* arena() { return nullptr; }
  // wasp_stack_top(): the top of the stack the app runs on, if known.
  virtual uintptr_t stack_top() { return 0; }
};

// Installs `host` for this thread's runtime calls until destroyed, then
// puts back the host installed before.
class ScopedNativeHost final {
 public:
  explicit ScopedNativeHost(NativeHost* host);
  ~ScopedNativeHost();
  ScopedNativeHost(const ScopedNativeHost&) = delete;
  ScopedNativeHost& operator=(const ScopedNativeHost&) = delete;

 private:
  NativeHost* const previous_;
};

// The host installed on this thread, or nullptr: then the socket calls and
// wasp_get_config return -WASP_ENOSYS and wasp_exit ends the process.
NativeHost* CurrentNativeHost();

}  // namespace wasp

#endif  // WASP_NET_NATIVE_NATIVE_RUNTIME_H_
