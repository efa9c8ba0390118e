// Exercises libvcc_guest's C library from inside a virtine, compiled against
// glibc's headers as vcc's guest code is. The call's argument picks a mode:
//   ""        every check, then the console output vcc_guest_test expects
//             byte for byte, ending "PASSED: 0 failures"; exit 0
//   "abort"   abort()
//   "assert"  a failing assert()
//   "exit"    two atexit handlers, then exit(300)
//   "_exit"   the same, but _exit(7): no handler runs
//   "chk"     a fortified strcpy that overflows
//   "stack"   __stack_chk_fail()
#define _GNU_SOURCE  // declares the GNU functions libc.h checks
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

// After glibc's headers: the compiler checks that the prototypes agree.
#include "guest/vcc/libc.h"
#include "guest/vcc/vcc_libc_selftest.h"

_Static_assert(sizeof(FILE) == 216, "stdio.c mirrors glibc's FILE");
// The host writes a struct wasp_stat where fstat() wants a struct stat.
_Static_assert(sizeof(struct stat) == sizeof(struct wasp_stat), "ABI");
_Static_assert(offsetof(struct stat, st_mode) ==
                   offsetof(struct wasp_stat, mode),
               "ABI");
_Static_assert(offsetof(struct stat, st_size) ==
                   offsetof(struct wasp_stat, size),
               "ABI");
_Static_assert(offsetof(struct stat, st_mtim) ==
                   offsetof(struct wasp_stat, mtime_sec),
               "ABI");
_Static_assert(sizeof(struct timeval) == sizeof(struct wasp_timeval), "ABI");

int failures;

static void first_handler(void) { puts("atexit: registered first"); }
static void second_handler(void) { puts("atexit: registered second"); }

static int call_vprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vprintf(fmt, ap);
  va_end(ap);
  return len;
}

// Everything that writes to the console, in an order vcc_guest_test knows.
static void print_everything(void) {
  CHECK(printf("printf %d %s %.2f %g\n", 42, "str", 2.5, 1e-5) == 25);
  CHECK(puts("puts") >= 0);
  CHECK(putchar('p') == 'p' && putchar('\n') == '\n');
  CHECK(fputs("fputs\n", stdout) >= 0);
  CHECK(fputc('c', stdout) == 'c' && putc('\n', stdout) == '\n');
  CHECK(fwrite("fwrite\n", 1, 7, stdout) == 7);
  CHECK(fwrite("xx", 0, 2, stdout) == 0);
  CHECK(fprintf(stderr, "stderr %e\n", 123.456) == 20);
  CHECK(write(1, "write 1\n", 8) == 8 && write(2, "write 2\n", 8) == 8);
  CHECK(call_vprintf("vprintf %s\n", "ok") == 11);
  // glibc's inline putc_unlocked sees an empty buffer and calls __overflow.
  CHECK(putchar_unlocked('u') == 'u' && putc_unlocked('\n', stdout) == '\n');
  CHECK(fflush(stdout) == 0 && fflush(NULL) == 0);
  errno = EBADF;
  perror("perror");
  print_fortified();
}

static void check_streams(void) {
  CHECK(fileno(stdin) == 0 && fileno(stdout) == 1 && fileno(stderr) == 2);
  CHECK(stdin != stdout && stdout != stderr && stdin != NULL);
  errno = 0;
  CHECK(fputs("x", stdin) == EOF && errno == EBADF && ferror(stdin));
  clearerr(stdin);
  CHECK(!ferror(stdin) && !feof(stdin));
  CHECK(fgetc(stdin) == EOF && feof(stdin) && getchar() == EOF);
  clearerr(stdin);
  CHECK(getc_unlocked(stdin) == EOF && feof_unlocked(stdin));  // __uflow
  char line[8];
  CHECK(fgets(line, sizeof line, stdin) == NULL);
  CHECK(fread(line, 1, sizeof line, stdin) == 0);
  errno = 0;
  CHECK(fopen("/etc/passwd", "r") == NULL && errno == EPERM);
  CHECK(fclose(stdin) == 0);
  errno = 0;
  CHECK(write(0, "x", 1) == -1 && errno == EPERM);  // a host descriptor
  CHECK(write(1, "", 0) == 0);
}

// vcc_guest_test allows what vcc allows a function without virtine_whitelist:
// no host file call, each failing as POSIX calls fail.
static void check_host_syscalls(void) {
  struct stat st;
  struct timeval tv;
  char byte;
  errno = 0;
  CHECK(open("/etc/passwd", O_RDONLY) == -1 && errno == EPERM);
  errno = 0;
  CHECK(read(0, &byte, 1) == -1 && errno == EPERM);
  errno = 0;
  CHECK(close(3) == -1 && errno == EPERM);
  errno = 0;
  CHECK(fstat(1, &st) == -1 && errno == EPERM);
  errno = 0;
  CHECK(lseek(3, 0, SEEK_SET) == -1 && errno == EPERM);
  errno = 0;
  CHECK(isatty(3) == 0 && errno == EPERM);
  CHECK(isatty(1) == 0 && errno == ENOTTY);  // the console
  errno = 0;
  CHECK(gettimeofday(&tv, NULL) == -1 && errno == EPERM);
  errno = 0;
  CHECK(time(NULL) == -1 && errno == EPERM);
  errno = 0;
  CHECK(unlink("/tmp/x") == -1 && errno == EPERM);
  errno = 0;
  CHECK(link("/tmp/x", "/tmp/y") == -1 && errno == EPERM);
}

static void check_formatting(void) {
  char buf[16];
  CHECK(sprintf(buf, "%05.1f|%x", -2.25, 255u) == 8);
  CHECK_STR(buf, "-02.2|ff");
  CHECK(snprintf(buf, 4, "%d", 123456) == 6);
  CHECK_STR(buf, "123");
  CHECK(snprintf(NULL, 0, "%s", "abc") == 3);
  FMT("2.500000", "%f", 2.5);
  FMT("1e-05 123.456 1e+20", "%g %g %g", 1e-5, 123.456, 1e20);
  FMT("0.000010 123.456000 100000000000000000000.000000", "%f %f %f", 1e-5,
      123.456, 1e20);
  FMT("1.23e+03 -0 inf -nan", "%.3g %g %g %g", 1234.5678, -0.0, INFINITY, -NAN);
  FMT("+1.500000E+00|    -1.5|0x1.8p+0", "%+E|%8.1f|%a", 1.5, -1.5, 1.5);
  FMT("  1.0|1.00000|42|ab", "%5.1f|%#g|%ld|%.2s", 1.0, 1.0, 42L, "abc");
}

static void run_all(void) {
  CHECK(errno == 0);  // the snapshot holds errno's initial 0
  check_streams();
  check_host_syscalls();
  check_formatting();
  check_values();
  check_fortify();
  print_everything();
  printf("PASSED: %d failures\n", failures);
}

static void run_mode(const char* mode) {
  if (strcmp(mode, "abort") == 0) abort();
  assert(strcmp(mode, "assert") != 0);
  if (strcmp(mode, "exit") == 0 || strcmp(mode, "_exit") == 0) {
    CHECK(atexit(first_handler) == 0 && atexit(second_handler) == 0);
    if (mode[0] == '_') _exit(7);
    exit(300);
  }
  if (strcmp(mode, "chk") == 0) fortified_copy("more than eight bytes");
  if (strcmp(mode, "stack") == 0) __stack_chk_fail();
  printf("unknown mode %s\n", mode);
}

int main(void) {
  char mode[32] = {0};
  long len = wasp_get_arg(mode, sizeof mode - 1);
  if (len <= 0) {
    run_all();
    return failures != 0;
  }
  run_mode(mode);
  return 99;
}
