// What the vcc_libc_selftest files share: the check macros.
#ifndef WASP_GUEST_VCC_VCC_LIBC_SELFTEST_H_
#define WASP_GUEST_VCC_VCC_LIBC_SELFTEST_H_

#include <stdio.h>
#include <string.h>

extern int failures;

#define CHECK(c)                                          \
  do {                                                    \
    if (!(c)) {                                           \
      ++failures;                                         \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); \
    }                                                     \
  } while (0)

#define CHECK_STR(got, want)                                         \
  do {                                                               \
    const char *got_ = (got), *want_ = (want);                       \
    if (got_ == NULL || strcmp(got_, want_) != 0) {                  \
      ++failures;                                                    \
      printf("FAIL %s:%d: got [%s] want [%s]\n", __FILE__, __LINE__, \
             got_ != NULL ? got_ : "(null)", want_);                 \
    }                                                                \
  } while (0)

// snprintf's output and return value.
#define FMT(want, ...)                                   \
  do {                                                   \
    char buf_[512];                                      \
    int len_ = snprintf(buf_, sizeof buf_, __VA_ARGS__); \
    CHECK_STR(buf_, want);                               \
    CHECK(len_ == (int)strlen(want));                    \
  } while (0)

void check_values(void);   // vcc_libc_selftest_values.c
void check_fortify(void);  // vcc_libc_selftest_fortify.c
// Prints through the fortified printf family (__printf_chk and kin).
void print_fortified(void);
// Copies src with a fortified strcpy into 8 bytes: aborts if it is longer.
void fortified_copy(const char* src);

#endif  // WASP_GUEST_VCC_VCC_LIBC_SELFTEST_H_
