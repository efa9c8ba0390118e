// Exercises the runtime from inside a virtine: the formatter, the string
// functions and the allocator (20,000 random steps, then a check that the
// heap coalesces back into one block). Prints "PASSED: 0 failures" and exits
// 0 when all is well; runtime_test runs it.
#include "guest/runtime/wasp.h"

static int failures;
#define CHECK(c)                                               \
  do {                                                         \
    if (!(c)) {                                                \
      ++failures;                                              \
      wasp_printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); \
    }                                                          \
  } while (0)
#define FMT(expect, ...)                                                  \
  do {                                                                    \
    char b[512];                                                          \
    int n = wasp_snprintf(b, sizeof b, __VA_ARGS__);                      \
    if (strcmp(b, expect) != 0 || n != (int)strlen(expect)) {             \
      ++failures;                                                         \
      wasp_printf("FAIL fmt %d: got [%s] %d want [%s]\n", __LINE__, b, n, \
                  expect);                                                \
    }                                                                     \
  } while (0)

static unsigned long long rng = 88172645463325252ull;
static unsigned long long next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

typedef float v4 __attribute__((vector_size(16)));
__attribute__((noinline)) static float aligned_probe(float f) {
  volatile v4 x = {f, f, f, f};
  x = x * x;
  return x[1];
}
int main(void) {
  CHECK(aligned_probe(3.0f) == 9.0f);
  FMT("42", "%d", 42);
  FMT("-42", "%i", -42);
  FMT("-2147483648", "%d", (int)0x80000000);
  FMT("4294967295", "%u", 0xffffffffu);
  FMT("-9223372036854775808", "%ld", (long)0x8000000000000000ull);
  FMT("18446744073709551615", "%lu", ~0ul);
  FMT("-1", "%lld", -1ll);
  FMT("18446744073709551615", "%llu", ~0ull);
  FMT("ff", "%x", 255);
  FMT("FF", "%X", 255);
  FMT("ffffffffffffffff", "%lx", ~0ul);
  FMT("0x1234", "%p", (void*)0x1234);
  FMT("0x00001234", "%010p", (void*)0x1234);
  FMT("hi", "%s", "hi");
  FMT("(null)", "%s", (char*)0);
  FMT("x", "%c", 'x');
  FMT("%", "%%");
  FMT("   42", "%5d", 42);
  FMT("00042", "%05d", 42);
  FMT("-0042", "%05d", -42);
  FMT("42   |", "%-5d|", 42);
  FMT("42   |", "%-05d|", 42);
  FMT("  abc|abc  |", "%5s|%-5s|", "abc", "abc");
  FMT("ab", "%.2s", "abcdef");
  FMT("   ab", "%*.*s", 5, 2, "abcdef");
  FMT("ab   |", "%*s|", -5, "ab");
  FMT("-1 255 65535", "%hhd %hhu %hu", 255, 255, 65535);
  FMT("12 34", "%zu %zd", (size_t)12, (long)34);
  FMT("%q", "%q");
  FMT("a%", "a%");
  FMT("0", "%x", 0);
  FMT("   0", "%4u", 0);
  // flags and precision of integers, as glibc
  FMT("0xff|010|0|0|042||+5| 5|5|   07|+3   |0XFF|0",
      "%#x|%#o|%#o|%#.0o|%.3d|%.0d|%+d|% d|%+u|%05.2d|%-+5d|%#X|%#x", 255, 8, 0,
      0, 42, 0, 5, 5, 5u, 7, 3, 255, 0);
  FMT("(nil) +0x10", "%p %+p", (void*)0, (void*)16);
  FMT("   ab", "%5.*s", -1, "ab");  // a negative precision is none
  {
    int at = 0;
    signed char small = 0;
    long wide = 0;
    FMT("abc7", "abc%n%hhn%d%ln", &at, &small, 7, &wide);
    CHECK(at == 3 && small == 3 && wide == 4);
  }
  // floating point: each expectation is glibc's output
  FMT("2.500000", "%f", 2.5);
  FMT("0.000010", "%f", 1e-5);
  FMT("123.456000", "%f", 123.456);
  FMT("100000000000000000000.000000", "%f", 1e20);
  FMT("-0.000000", "%f", -0.0);
  FMT("0.000000", "%f", 0.0);
  FMT("1.000000e-05", "%e", 1e-5);
  FMT("1.234560e+02", "%e", 123.456);
  FMT("1.000000e+20", "%e", 1e20);
  FMT("0.000000e+00", "%e", 0.0);
  FMT("-1.500000E-300", "%E", -1.5e-300);
  FMT("1e-05", "%g", 1e-5);
  FMT("123.456", "%g", 123.456);
  FMT("1e+20", "%g", 1e20);
  FMT("100000", "%g", 100000.0);
  FMT("1e+06", "%g", 1e6);
  FMT("0.0001", "%g", 0.0001);
  FMT("-0", "%g", -0.0);
  FMT("1.5E-10", "%G", 1.5e-10);
  FMT("1.23e+03", "%.3g", 1234.5678);
  FMT("0.000123", "%.3g", 0.00012345);
  FMT("0.3333333333", "%.10g", 1.0 / 3);
  FMT("1.00000", "%#g", 1.0);
  FMT("1.00", "%#.3g", 1.0);
  FMT("1.e+03|100.", "%#.3g|%#.3g", 999.8, 99.97);  // glibc's carry
  FMT("0.5", "%.0g", 0.5);
  FMT("2.", "%#.0f", 2.0);
  FMT("2.e+00", "%#.0e", 2.0);
  FMT("0", "%.0f", 0.5);
  FMT("2", "%.0f", 1.5);
  FMT("2", "%.0f", 2.5);
  FMT("0.2", "%.1f", 0.25);
  FMT("0.12", "%.2f", 0.125);
  FMT("1.00", "%.2f", 1.005);
  FMT("2.001", "%.3f", 2.0005);
  FMT("     3.142", "%10.3f", 3.14159);
  FMT("3.14      |", "%-10.2f|", 3.14159);
  FMT("+2.0", "%+.1f", 2.0);
  FMT(" 2.0", "% .1f", 2.0);
  FMT("-000003.50", "%010.2f", -3.5);
  FMT("+001.2e+04", "%+010.1e", 12345.678);
  FMT("0.10000000000000001", "%.17g", 0.1);
  FMT("0.10000000000000000555", "%.20f", 0.1);
  FMT("1e+01", "%.0e", 9.5);
  FMT("1.0e+01", "%.1e", 9.96);
  FMT("1e+23", "%.15g", 1e23);
  FMT("9.9999999999999992e+22", "%.17g", 1e23);
  FMT("179769313486231570814527423731704356798070567525844996598917476803157260"
      "780028538760589558632766878171540458953514382464234321326889464182768467"
      "546703537516986049910576551282076245490090389328944075868508455133942304"
      "583236903222948165808559332123348274797826204144723168738177180919299881"
      "250404026184124858368.000000",
      "%f", 1.7976931348623157e308);
  FMT("1.79769e+308", "%g", 1.7976931348623157e308);
  FMT("4.940656e-324", "%e", 5e-324);
  FMT("2.22507e-308", "%g", 2.2250738585072014e-308);
  FMT("1000.000", "%.3f", 999.9996);
  FMT("1e+06", "%g", 999999.5);
  FMT("1e+07", "%g", 9999995.0);
  FMT("0.0001", "%.2g", 0.000099999);
  FMT("inf", "%f", __builtin_inf());
  FMT("INF", "%F", __builtin_inf());
  FMT("-inf", "%e", -__builtin_inf());
  FMT("-INF", "%G", -__builtin_inf());
  FMT("nan", "%f", __builtin_nan(""));
  FMT("NAN", "%E", __builtin_nan(""));
  FMT("-nan", "%g", -__builtin_nan(""));
  FMT("     inf|", "%8f|", __builtin_inf());
  FMT("nan     |", "%-8f|", __builtin_nan(""));
  FMT("    -inf", "%08f", -__builtin_inf());
  FMT("+nan", "%+f", __builtin_nan(""));
  FMT(" inf", "% e", __builtin_inf());
  FMT("0x1p+0", "%a", 1.0);
  FMT("0x1.999999999999ap-4", "%a", 0.1);
  FMT("-0X1.4P+1", "%A", -2.5);
  FMT("0x0p+0", "%a", 0.0);
  FMT("0x0.0000000000001p-1022", "%a", 5e-324);
  FMT("0x1.555p-2", "%.3a", 1.0 / 3);
  FMT("0x2p+0", "%.0a", 1.5);
  FMT("0x2.0p+0", "%.1a", 1.96875);
  FMT("0x1.p+0", "%#a", 1.0);
  FMT("0x0000001p-1", "%012a", 0.5);
  FMT(" 99.4%", "%5.1f%%", 99.44);
  FMT("2.500000 1.235e+02 1e-05", "%Lf %.3Le %Lg", (long double)2.5,
      (long double)123.456, (long double)1e-5);
  FMT("1.5 x 2", "%g %c %d", 1.5, 'x', 2);  // va_list stays in step
  {
    char b[8];
    int n = wasp_snprintf(b, sizeof b, "%s", "0123456789");
    CHECK(n == 10 && strcmp(b, "0123456") == 0);
    n = wasp_snprintf(b, 0, "%d", 12345);
    CHECK(n == 5);
    n = wasp_snprintf(b, 1, "%d", 12345);
    CHECK(n == 5 && b[0] == 0);
  }
  // strings
  CHECK(strlen("") == 0 && strlen("abc") == 3);
  CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 &&
        strcmp("x", "x") == 0);
  CHECK(strcmp("ab", "abc") < 0 && strcmp("\xff", "a") > 0);
  CHECK(strncmp("abcx", "abcy", 3) == 0 && strncmp("abcx", "abcy", 4) < 0);
  const char* s = "hello";
  CHECK(strchr(s, 'l') == s + 2 && strchr(s, 0) == s + 5 &&
        strchr(s, 'z') == 0);
  CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("abc", "abd", 2) == 0);
  {
    char b[32];
    for (int i = 0; i < 32; ++i) b[i] = (char)i;
    memmove(b + 2, b, 10);
    CHECK(b[2] == 0 && b[11] == 9 && b[12] == 12);
    for (int i = 0; i < 32; ++i) b[i] = (char)i;
    memmove(b, b + 2, 10);
    CHECK(b[0] == 2 && b[9] == 11 && b[10] == 10);
    memset(b, 'z', 5);
    CHECK(b[4] == 'z' && b[5] == 7);
    memcpy(b, "ABCD", 4);
    CHECK(memcmp(b, "ABCDz", 5) == 0);
  }
  // heap
  wasp_printf("stack_top %p\n", (void*)wasp_stack_top());
  extern char __wasp_image_end[];
  size_t heap =
      wasp_stack_top() - WASP_STACK_RESERVE - (uintptr_t)__wasp_image_end;
  void* big = wasp_malloc(heap - 16);
  CHECK(big != 0 && (uintptr_t)big == (uintptr_t)__wasp_image_end + 16);
  CHECK(wasp_malloc(1) == 0);
  wasp_free(big);
  CHECK(wasp_malloc(heap) == 0);
  CHECK(wasp_malloc(~(size_t)0) == 0);
  CHECK(wasp_calloc(~(size_t)0 / 2, 4) == 0);
  void* ptrs[500] = {0};
  size_t sizes[500];
  for (int round = 0; round < 20000; ++round) {
    int i = next() % 500;
    if (ptrs[i]) {
      unsigned char* p = ptrs[i];
      for (size_t k = 0; k < sizes[i]; ++k)
        if (p[k] != (unsigned char)(i + k)) {
          CHECK(0);
          break;
        }
      if (next() % 3 == 0) {
        size_t ns = next() % 3000;
        unsigned char* q = wasp_realloc(p, ns);
        if (ns == 0) {
          CHECK(q == 0);
          ptrs[i] = 0;
          continue;
        }
        CHECK(q != 0);
        size_t keep = ns < sizes[i] ? ns : sizes[i];
        for (size_t k = 0; k < keep; ++k)
          if (q[k] != (unsigned char)(i + k)) {
            CHECK(0);
            break;
          }
        for (size_t k = 0; k < ns; ++k) q[k] = (unsigned char)(i + k);
        ptrs[i] = q;
        sizes[i] = ns;
      } else {
        wasp_free(p);
        ptrs[i] = 0;
      }
    } else {
      size_t n = next() % 5000;
      unsigned char* p = (next() & 1) ? wasp_malloc(n) : wasp_calloc(n, 1);
      CHECK(p != 0 && ((uintptr_t)p & 15) == 0);
      if (!p) continue;
      CHECK((uintptr_t)p >= (uintptr_t)__wasp_image_end &&
            (uintptr_t)p + n <= wasp_stack_top() - WASP_STACK_RESERVE);
      for (size_t k = 0; k < n; ++k) p[k] = (unsigned char)(i + k);
      ptrs[i] = p;
      sizes[i] = n;
    }
  }
  for (int i = 0; i < 500; ++i) wasp_free(ptrs[i]);
  big = wasp_malloc(heap - 16);
  CHECK(big != 0);  // everything coalesced back
  wasp_free(big);
  // printf longer than its buffer
  char line[600];
  for (int i = 0; i < 599; ++i) line[i] = 'a' + i % 26;
  line[599] = 0;
  int n = wasp_printf("%s|%d\n", line, 7);
  CHECK(n == 599 + 3);
  wasp_printf("%s: %d failures\n", failures ? "FAILED" : "PASSED", failures);
  return failures != 0;
}
