// A stackful coroutine on ucontext: the native sessions run guest app code
// on one of these so that a socket call can suspend it mid-function and the
// worker can resume it when the I/O completes.
#ifndef WASP_NET_NATIVE_COROUTINE_H_
#define WASP_NET_NATIVE_COROUTINE_H_

#include <ucontext.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "base/unique_fd.h"

namespace wasp {

// An mmap'd stack with a PROT_NONE guard page below it, so that running
// off its end faults instead of overwriting other memory.
class CoroutineStack final {
 public:
  static absl::StatusOr<std::unique_ptr<CoroutineStack>> Create(size_t size);

  void* base() const { return base_; }
  size_t size() const { return size_; }
  uintptr_t top() const { return reinterpret_cast<uintptr_t>(base_) + size_; }

 private:
  CoroutineStack(Mapping mapping, void* base, size_t size)
      : mapping_(std::move(mapping)), base_(base), size_(size) {}

  Mapping mapping_;
  void* base_;
  size_t size_;
};

// Runs body(context) on a stack; Suspend() from inside returns to whoever
// called Resume(). A coroutine that is never resumed again is simply
// abandoned: nothing of it lives outside its stack.
class Coroutine final {
 public:
  using Body = void (*)(void* context);

  // `stack` must outlive the coroutine's last Resume().
  Coroutine(CoroutineStack* stack, Body body, void* context);
  Coroutine(const Coroutine&) = delete;
  Coroutine& operator=(const Coroutine&) = delete;

  // Runs the coroutine until it suspends or its body returns.
  void Resume();
  // From inside the coroutine: back to Resume()'s caller.
  void Suspend();
  bool finished() const { return finished_; }

 private:
  static void Entry(uint32_t high, uint32_t low);

  CoroutineStack* const stack_;
  const Body body_;
  void* const context_;
  bool started_ = false;
  bool finished_ = false;
  ucontext_t self_;
  ucontext_t caller_;
};

}  // namespace wasp

#endif  // WASP_NET_NATIVE_COROUTINE_H_
