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
    char b[128];                                                          \
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
