// The entry point of every virtine built with the runtime.
#include "guest/runtime/entry.h"
#include "guest/runtime/internal.h"
#include "guest/runtime/wasp.h"

int main(void);

WASP_DEFINE_START(__wasp_start);

static uintptr_t stack_top;

// Called only by _start, hence `used`: the compiler cannot see that call.
__attribute__((used, noreturn)) void __wasp_start(uintptr_t initial_rsp) {
  stack_top = initial_rsp;
  __wasp_heap_init(initial_rsp);
  wasp_exit(main());
}

uintptr_t wasp_stack_top(void) { return stack_top; }
