// vcc_libc_selftest's checks of the _FORTIFY_SOURCE entry points: this file
// is compiled as a hardened distribution compiles C, so glibc's headers
// turn printf into __printf_chk, memcpy into __memcpy_chk and so on.
#define _FORTIFY_SOURCE 2
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest/vcc/libc.h"
#include "guest/vcc/vcc_libc_selftest.h"

#if !defined(__USE_FORTIFY_LEVEL) || __USE_FORTIFY_LEVEL != 2
#error "glibc's headers did not fortify this file"
#endif

// Sizes the compiler cannot see through, so the checks happen at run time.
static volatile size_t four = 4, eight = 8;
static volatile int big = 1234567890;

static int call_vsnprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(buf, n, fmt, ap);  // __vsnprintf_chk
  va_end(ap);
  return len;
}

void check_fortify(void) {
  char buf[8];
  CHECK(snprintf(buf, eight, "%d", big) == 10);  // __snprintf_chk
  CHECK_STR(buf, "1234567");
  CHECK(sprintf(buf, "%.3f", 1.0) == 5);  // __sprintf_chk
  CHECK_STR(buf, "1.000");
  CHECK(call_vsnprintf(buf, four, "%s", "abcdef") == 6);
  CHECK_STR(buf, "abc");
  memcpy(buf, "wxyz", four);  // __memcpy_chk
  memmove(buf + 1, buf, four - 1);
  CHECK(memcmp(buf, "wwxy", 4) == 0);
  memset(buf, 0, eight);
  strcpy(buf, four > 3 ? "ab" : "");  // __strcpy_chk
  strcat(buf, four > 3 ? "cd" : "");  // __strcat_chk
  CHECK_STR(buf, "abcd");
  strncpy(buf, "xy", four);
  strncat(buf, "zzz", four - 2);
  CHECK_STR(buf, "xyzz");
  // The same entry points called directly, as clang emits them.
  CHECK(__memset_chk(buf, 'm', 3, sizeof buf) == buf && buf[2] == 'm');
  CHECK(__stpcpy_chk(buf, "st", sizeof buf) == buf + 2);
  CHECK(__mempcpy_chk(buf, "mp", 2, sizeof buf) == buf + 2);
  CHECK(__sprintf_chk(buf, 1, sizeof buf, "%s", "1234567") == 7);
  // gcc's fortified read and open: __read_chk, __open_2 (no host files).
  errno = 0;
  CHECK(read(0, buf, four) == -1 && errno == EPERM);
  errno = 0;
  CHECK(open("/etc/passwd", big > 0 ? O_RDONLY : O_WRONLY) == -1 &&
        errno == EPERM);
}

static int call_vprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vprintf(fmt, ap);  // __vfprintf_chk
  va_end(ap);
  return len;
}

void print_fortified(void) {
  CHECK(printf("__printf_chk %d\n", 7) == 15);
  CHECK(fprintf(stdout, "__fprintf_chk %s\n", "ok") == 17);
  CHECK(call_vprintf("vprintf %s\n", "fortified") == 18);
}

void fortified_copy(const char* src) {
  char small[8];
  strcpy(small, src);  // __strcpy_chk: overflows and aborts for long src
  printf("copied %s\n", small);
}
