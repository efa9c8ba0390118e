#include "net/native/coroutine.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/status_macros.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<CoroutineStack>> CoroutineStack::Create(
    size_t size) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size = (size + page - 1) / page * page;
  void* addr = ::mmap(nullptr, size + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (addr == MAP_FAILED) return ErrnoError("mmap of a coroutine stack", errno);
  Mapping mapping(addr, size + page);
  if (::mprotect(addr, page, PROT_NONE) != 0) {
    return ErrnoError("mprotect of a stack guard page", errno);
  }
  return std::unique_ptr<CoroutineStack>(new CoroutineStack(
      std::move(mapping), static_cast<char*>(addr) + page, size));
}

Coroutine::Coroutine(CoroutineStack* stack, Body body, void* context)
    : stack_(stack), body_(body), context_(context) {}

void Coroutine::Resume() {
  if (finished_) return;
  if (!started_) {
    started_ = true;
    if (::getcontext(&self_) != 0) std::abort();  // cannot fail on Linux
    self_.uc_stack.ss_sp = stack_->base();
    self_.uc_stack.ss_size = stack_->size();
    self_.uc_link = nullptr;  // Entry never returns
    // makecontext passes int arguments: `this` goes in two halves.
    const auto self = reinterpret_cast<uintptr_t>(this);
    ::makecontext(&self_, reinterpret_cast<void (*)()>(&Coroutine::Entry), 2,
                  static_cast<uint32_t>(self >> 32),
                  static_cast<uint32_t>(self));
  }
  ::swapcontext(&caller_, &self_);
}

void Coroutine::Suspend() { ::swapcontext(&self_, &caller_); }

void Coroutine::Entry(uint32_t high, uint32_t low) {
  auto* self = reinterpret_cast<Coroutine*>((uintptr_t{high} << 32) | low);
  self->body_(self->context_);
  self->finished_ = true;
  ::setcontext(&self->caller_);
  std::abort();  // setcontext returns only on failure
}

}  // namespace wasp
