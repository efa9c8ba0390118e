// Declarations the hooks of guest/libc share; programs do not use them.
#ifndef WASP_GUEST_LIBC_INTERNAL_H_
#define WASP_GUEST_LIBC_INTERNAL_H_

#include <stdint.h>

// Bytes between the top of memory and the end of the heap: the stack. More
// than the runtime's 64 KiB because library code (a JavaScript parser, say)
// recurses deeper than hand-written guests.
#define WASP_LIBC_STACK_RESERVE (256u * 1024u)

// Gives sbrk the heap [__wasp_image_end, stack_top - WASP_LIBC_STACK_RESERVE);
// called once by _start, before any allocation.
void __wasp_libc_heap_init(uintptr_t stack_top);

#endif  // WASP_GUEST_LIBC_INTERNAL_H_
