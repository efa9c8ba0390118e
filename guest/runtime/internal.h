// Declarations the runtime's files share and guest programs do not use.
#ifndef WASP_GUEST_RUNTIME_INTERNAL_H_
#define WASP_GUEST_RUNTIME_INTERNAL_H_

#include <stdint.h>

// Hands the heap [__wasp_image_end, stack_top - WASP_STACK_RESERVE) to the
// allocator; called once by _start, before main.
void __wasp_heap_init(uintptr_t stack_top);

#endif  // WASP_GUEST_RUNTIME_INTERNAL_H_
