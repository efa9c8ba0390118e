// The value checks of vcc_libc_selftest: strings, numbers, sorting, the
// heap, ctype, errno and math. Each expectation is what glibc returns.
#define _GNU_SOURCE  // mempcpy
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guest/vcc/vcc_libc_selftest.h"

// The class bits vcc's code reads through glibc's macros (ctype.c).
_Static_assert(_ISupper == 0x100 && _ISlower == 0x200 && _ISalpha == 0x400 &&
                   _ISdigit == 0x800 && _ISxdigit == 0x1000 &&
                   _ISspace == 0x2000 && _ISprint == 0x4000 &&
                   _ISgraph == 0x8000 && _ISblank == 0x1 && _IScntrl == 0x2 &&
                   _ISpunct == 0x4 && _ISalnum == 0x8,
               "glibc's little-endian class bits");

static void check_strings(void) {
  char buf[32];
  CHECK_STR(strcpy(buf, "abc"), "abc");
  CHECK_STR(strcat(buf, "def"), "abcdef");
  CHECK_STR(strncat(buf, "ghijk", 2), "abcdefgh");
  CHECK(stpcpy(buf, "xy") == buf + 2 && strcmp(buf, "xy") == 0);
  memset(buf, 'z', sizeof buf);
  CHECK(strncpy(buf, "ab", 5) == buf && memcmp(buf, "ab\0\0\0z", 6) == 0);
  CHECK(strncpy(buf, "abcdef", 3) == buf && memcmp(buf, "abc\0", 4) == 0);
  CHECK(mempcpy(buf, "123", 3) == buf + 3);
  const char* s = "hello world";
  CHECK(strrchr(s, 'o') == s + 7 && strrchr(s, 'q') == NULL);
  CHECK(strrchr(s, '\0') == s + 11);
  CHECK(strstr(s, "world") == s + 6 && strstr(s, "") == s);
  CHECK(strstr(s, "worlds") == NULL && strstr("", "a") == NULL);
  CHECK(memchr(s, 'w', 11) == s + 6 && memchr(s, 'w', 6) == NULL);
  CHECK(strspn(s, "leho") == 5 && strcspn(s, " w") == 5);
  CHECK(strspn("", "a") == 0 && strcspn(s, "") == 11);
  CHECK(strpbrk(s, "wr") == s + 6 && strpbrk(s, "xyz") == NULL);
  CHECK(strcasecmp("HeLLo", "hello") == 0 && strcasecmp("a", "B") < 0);
  CHECK(strncasecmp("abcX", "ABCy", 3) == 0);
  CHECK(bcmp("abc", "abd", 3) != 0 && bcmp("abc", "abd", 2) == 0);
  char* copy = strdup(s);
  CHECK_STR(copy, s);
  CHECK(copy != s);
  free(copy);
  copy = strndup(s, 5);
  CHECK_STR(copy, "hello");
  free(copy);
  char text[] = ",a,,bc,";
  char* save = NULL;
  CHECK_STR(strtok(text, ","), "a");
  CHECK_STR(strtok(NULL, ","), "bc");
  CHECK(strtok(NULL, ",") == NULL);
  char words[] = "x y";
  CHECK_STR(strtok_r(words, " ", &save), "x");
  CHECK_STR(strtok_r(NULL, " ", &save), "y");
  CHECK(strtok_r(NULL, " ", &save) == NULL);
}

// strtol's value, errno and where it stopped.
#define STRTOL(fn, text, base, want, want_errno, want_used)          \
  do {                                                               \
    const char* in_ = (text);                                        \
    char* end_;                                                      \
    errno = 0;                                                       \
    CHECK(fn(in_, &end_, base) == (want) && errno == (want_errno) && \
          end_ == in_ + (want_used));                                \
  } while (0)

static void check_numbers(void) {
  STRTOL(strtol, "  -123abc", 10, -123L, 0, 6);
  STRTOL(strtol, "0x1F", 0, 31L, 0, 4);
  STRTOL(strtol, "0x1f", 16, 31L, 0, 4);
  STRTOL(strtol, "0x", 16, 0L, 0, 1);
  STRTOL(strtol, "077", 0, 63L, 0, 3);
  STRTOL(strtol, "+z", 36, 35L, 0, 2);
  STRTOL(strtol, "abc", 10, 0L, 0, 0);
  STRTOL(strtol, "  -", 10, 0L, 0, 0);
  STRTOL(strtol, "12", 1, 0L, EINVAL, 0);
  STRTOL(strtol, "9223372036854775807", 10, LONG_MAX, 0, 19);
  STRTOL(strtol, "9223372036854775808", 10, LONG_MAX, ERANGE, 19);
  STRTOL(strtol, "-9223372036854775808", 10, LONG_MIN, 0, 20);
  STRTOL(strtol, "-9223372036854775809", 10, LONG_MIN, ERANGE, 20);
  STRTOL(strtoll, "-99999999999999999999x", 10, LLONG_MIN, ERANGE, 21);
  STRTOL(strtoul, "-1", 10, ULONG_MAX, 0, 2);
  STRTOL(strtoul, "18446744073709551615", 10, ULONG_MAX, 0, 20);
  STRTOL(strtoul, "18446744073709551616", 10, ULONG_MAX, ERANGE, 20);
  STRTOL(strtoull, "-18446744073709551616", 10, ULLONG_MAX, ERANGE, 21);
  STRTOL(strtoull, "ffffffffffffffff", 16, ULLONG_MAX, 0, 16);
  CHECK(strtol("42", NULL, 10) == 42);
  CHECK(atoi("  -42xyz") == -42 && atol("123") == 123L);
  CHECK(atoll("-9000000000") == -9000000000LL);
  CHECK(abs(-5) == 5 && labs(-5L) == 5L && llabs(-5LL) == 5LL);
  CHECK(abs(INT_MIN + 1) == INT_MAX);
}

static int compare_ints(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

static int compare_strings(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void check_sorting(void) {
  static int values[1000];
  long sum = 0, sorted_sum = 0;
  srand(7);
  for (int i = 0; i < 1000; ++i) sum += values[i] = rand() % 500 - 250;
  qsort(values, 1000, sizeof values[0], compare_ints);
  int ordered = 1;
  for (int i = 0; i < 1000; ++i) {
    sorted_sum += values[i];
    if (i > 0 && values[i - 1] > values[i]) ordered = 0;
  }
  CHECK(ordered && sum == sorted_sum);
  const char* names[] = {"pear", "apple", "fig", "banana"};
  qsort(names, 4, sizeof names[0], compare_strings);
  CHECK(strcmp(names[0], "apple") == 0 && strcmp(names[3], "pear") == 0);
  int table[] = {1, 3, 5, 7, 9, 11};
  for (int key = 0; key <= 12; ++key) {
    int* found = bsearch(&key, table, 6, sizeof table[0], compare_ints);
    CHECK(key % 2 == 1 && key < 12 ? found != NULL && *found == key
                                   : found == NULL);
  }
  qsort(table, 0, sizeof table[0], compare_ints);  // nothing to sort
  // glibc's sequences.
  srand(1);
  CHECK(rand() == 1804289383 && rand() == 846930886 && rand() == 1681692777);
  srand(42);
  CHECK(rand() == 71876166 && rand() == 708592740);
  CHECK(getenv("PATH") == NULL);
}

static void check_heap(void) {
  char* p = malloc(10);
  CHECK(p != NULL && (uintptr_t)p % 16 == 0);
  memcpy(p, "012345678", 10);
  p = realloc(p, 5000);
  CHECK(p != NULL && strcmp(p, "012345678") == 0);
  p = realloc(p, 3);
  CHECK(p != NULL && memcmp(p, "012", 3) == 0);
  free(p);
  free(NULL);
  int* zeros = calloc(100, sizeof(int));
  int all_zero = zeros != NULL;
  for (int i = 0; all_zero && i < 100; ++i) all_zero = zeros[i] == 0;
  CHECK(all_zero);
  free(zeros);
  for (size_t align = 1; align <= 8192; align *= 2) {
    char* a = aligned_alloc(align, 100);
    CHECK(a != NULL && (uintptr_t)a % align == 0);
    memset(a, 'q', 100);
    a = realloc(a, 200);  // moves out of the aligned block
    CHECK(a != NULL && a[99] == 'q');
    free(a);
  }
  void* page = NULL;
  CHECK(posix_memalign(&page, 4096, 10) == 0 && (uintptr_t)page % 4096 == 0);
  free(page);
  CHECK(posix_memalign(&page, 12, 10) == EINVAL);
  errno = 0;
  CHECK(aligned_alloc(24, 10) == NULL && errno == EINVAL);
  static volatile size_t huge = SIZE_MAX - 8;  // wraps with a header
  errno = 0;
  CHECK(malloc(huge) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(malloc((size_t)1 << 40) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(calloc(huge / 2, 4) == NULL && errno == ENOMEM);
  CHECK(realloc(NULL, 8) != NULL);
}

static void check_ctype(void) {
  int mismatches = 0;
  for (int c = -128; c <= 255; ++c) {
    int u = c >= 0 && c < 128 ? c : -1;  // C locale: only ASCII has classes
    int want = (u >= '0' && u <= '9') << 0 | (u >= 'A' && u <= 'Z') << 1 |
               (u >= 'a' && u <= 'z') << 2 |
               (u == ' ' || (u >= '\t' && u <= '\r')) << 3 |
               (u >= 0x20 && u < 0x7f) << 4 | (u >= 0 && u < 0x20) << 5 |
               (u == ' ' || u == '\t') << 6;
    int xdigit = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') ||
                 (u >= 'A' && u <= 'F');
    int graph = u > 0x20 && u < 0x7f;
    // glibc's macros read the tables; the functions are ctype.c's own.
    int got = !!isdigit(c) << 0 | !!isupper(c) << 1 | !!islower(c) << 2 |
              !!isspace(c) << 3 | !!isprint(c) << 4 |
              !!(iscntrl(c) && c != 0x7f) << 5 | !!isblank(c) << 6;
    int got_fn = !!(isdigit)(c) << 0 | !!(isupper)(c) << 1 |
                 !!(islower)(c) << 2 | !!(isspace)(c) << 3 |
                 !!(isprint)(c) << 4 | !!((iscntrl)(c) && c != 0x7f) << 5 |
                 !!(isblank)(c) << 6;
    int upper = u >= 'a' && u <= 'z' ? c - 32 : c;
    int lower = u >= 'A' && u <= 'Z' ? c + 32 : c;
    if (got != want || got_fn != want || !!isxdigit(c) != xdigit ||
        !!(isxdigit)(c) != xdigit || !!isgraph(c) != graph ||
        !!isalpha(c) != !!(want & 6) || !!isalnum(c) != !!(want & 7) ||
        !!ispunct(c) != (graph && !(want & 7)) ||
        !!(ispunct)(c) != (graph && !(want & 7)) || toupper(c) != upper ||
        (toupper)(c) != upper || tolower(c) != lower || (tolower)(c) != lower) {
      ++mismatches;
      printf("FAIL ctype %d\n", c);
    }
  }
  CHECK(mismatches == 0);
  CHECK(iscntrl(0x7f) && !isprint(0x7f) && isascii(0x7f) && !isascii(0x80));
  CHECK((toupper)(1000) == 1000 && !(isdigit)(1000));
}

static void check_errno(void) {
  CHECK_STR(strerror(EPERM), "Operation not permitted");
  CHECK_STR(strerror(EBADF), "Bad file descriptor");
  CHECK_STR(strerror(ERANGE), "Numerical result out of range");
  CHECK_STR(strerror(0), "Success");
  CHECK_STR(strerror(9999), "Unknown error 9999");
  CHECK_STR(strerror(-1), "Unknown error -1");
  errno = 5;
  CHECK(*__errno_location() == 5);
  errno = 0;
}

static int same(double x, double y) {
  return memcmp(&x, &y, sizeof x) == 0;  // tells -0.0 from 0.0
}

static void check_math(void) {
  CHECK(same(fabs(-2.5), 2.5) && same(fabs(-0.0), 0.0));
  CHECK(same(floor(-2.5), -3.0) && same(floor(2.5), 2.0));
  CHECK(same(floor(-0.0), -0.0) && same(floor(1e300), 1e300));
  CHECK(same(ceil(-2.5), -2.0) && same(ceil(2.1), 3.0));
  CHECK(same(ceil(-0.5), -0.0));
  CHECK(same(trunc(-2.7), -2.0) && same(trunc(2.7), 2.0));
  CHECK(same(trunc(-0.3), -0.0) && isnan(trunc(NAN)));
  CHECK(same(round(2.5), 3.0) && same(round(-2.5), -3.0));
  CHECK(same(round(0.49999999999999994), 0.0) && same(round(-0.4), -0.0));
  CHECK(same(round(4503599627370495.5), 4503599627370496.0));
  CHECK(same(sqrt(2.0), 1.4142135623730951) && same(sqrt(-0.0), -0.0));
  errno = 0;
  CHECK(isnan(sqrt(-1.0)) && errno == EDOM);
  CHECK(same(fmod(5.5, 2.0), 1.5) && same(fmod(-5.5, 2.0), -1.5));
  CHECK(same(fmod(-7.25, -2.0), -1.25) && same(fmod(1e300, 7.0), 1.0));
  CHECK(same(fmod(1e22, 0.1), 0.087687421760603068));
  CHECK(same(fmod(5e-324, 2.0), 5e-324) && same(fmod(3.0, INFINITY), 3.0));
  errno = 0;
  CHECK(isnan(fmod(1.0, 0.0)) && errno == EDOM);
  CHECK(isnan(fmod(INFINITY, 2.0)) && isnan(fmod(NAN, 2.0)));
  CHECK(fabsf(-1.5f) == 1.5f && floorf(-1.5f) == -2.0f);
  CHECK(ceilf(1.2f) == 2.0f && truncf(-1.7f) == -1.0f);
  CHECK(roundf(0.5f) == 1.0f && sqrtf(9.0f) == 3.0f);
  CHECK(fmodf(1e30f, 7.0f) == 1.0f && fmodf(7.5f, 2.0f) == 1.5f);
  CHECK(copysign(3.0, -0.0) == -3.0 && copysignf(3.0f, 1.0f) == 3.0f);
  CHECK(fmin(1.0, NAN) == 1.0 && fmax(NAN, 2.0) == 2.0);
  CHECK(fmin(-1.0, 2.0) == -1.0 && fmaxf(-1.0f, 2.0f) == 2.0f);
}

void check_values(void) {
  check_strings();
  check_numbers();
  check_sorting();
  check_heap();
  check_ctype();
  check_errno();
  check_math();
}
