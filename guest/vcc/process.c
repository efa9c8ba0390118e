// How a vcc virtine ends early: exit, abort, a failed assert. The exit
// codes are in guest/abi/vcc_call.h; exit(n) keeps only n's low byte, as on
// Linux, so that it never looks like one of the runtime's own codes.
#include "guest/abi/vcc_call.h"
#include "guest/vcc/libc.h"

// glibc names the program in assert messages; a virtine has no argv[0].
char* program_invocation_name = "virtine";
char* program_invocation_short_name = "virtine";

enum { kMaxHandlers = 32 };  // C guarantees at least 32
static void (*handlers[kMaxHandlers])(void);
static int handler_count;

int atexit(void (*handler)(void)) {
  if (handler_count == kMaxHandlers) return -1;
  handlers[handler_count++] = handler;
  return 0;
}

void exit(int code) {
  while (handler_count > 0) handlers[--handler_count]();
  _exit(code);
}

void _Exit(int code) { _exit(code); }

void _exit(int code) { wasp_exit(code & 0xFF); }

void abort(void) { wasp_exit(WASP_VCC_EXIT_ABORT); }

void __assert_fail(const char* expr, const char* file, unsigned line,
                   const char* function) {
  // glibc's format, word for word.
  fprintf(stderr, "%s%s%s:%u: %s%sAssertion `%s' failed.\n",
          program_invocation_short_name,
          *program_invocation_short_name != '\0' ? ": " : "", file, line,
          function != NULL ? function : "", function != NULL ? ": " : "", expr);
  abort();
}
