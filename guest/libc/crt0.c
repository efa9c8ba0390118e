// The entry point of images built with virtine_image(..., libc = "newlib").
#include <stdint.h>
#include <stdlib.h>

#include "guest/libc/internal.h"
#include "guest/runtime/entry.h"

int main(int argc, char** argv);
// newlib's: runs _init and the constructors of the linker script's arrays.
void __libc_init_array(void);

WASP_DEFINE_START(__wasp_libc_start);

static char program_name[] = "virtine";
static char* arguments[] = {program_name, NULL};

// Called only by _start, hence `used`: the compiler cannot see that call.
__attribute__((used, noreturn)) void __wasp_libc_start(uintptr_t initial_rsp) {
  __wasp_libc_heap_init(initial_rsp);
  __libc_init_array();
  // exit, not _exit: it flushes stdio and runs atexit handlers.
  exit(main(1, arguments));
}

// newlib calls these around the constructor arrays; there is no .init code.
void _init(void) {}
void _fini(void) {}
