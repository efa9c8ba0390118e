// <stdlib.h>: number parsing, sorting and searching, rand. (The heap is in
// heap.c, exit and abort in process.c.)
#include "guest/vcc/libc.h"

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 36;
}

// A parsed integer: its magnitude (saturated at `limit`) and sign.
struct parsed {
  uint64_t magnitude;
  int negative;
  int overflow;
};

// The strtol family's grammar: spaces, a sign, 0x or 0 for bases 16 and 0,
// digits. *end is the first byte not used, or s if there were no digits.
static struct parsed parse(const char* s, char** end, int base,
                           uint64_t limit) {
  struct parsed result = {0};
  const char* p = s;
  if (end != NULL) *end = (char*)s;
  if (base < 0 || base == 1 || base > 36) {
    __vcc_fail(VCC_EINVAL);
    return result;
  }
  while (isspace((unsigned char)*p)) ++p;
  if (*p == '-' || *p == '+') result.negative = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' &&
      digit_value(p[2]) < 16) {
    p += 2;  // "0x" counts only with a hex digit after it
    base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  const char* digits = p;
  for (int d; (d = digit_value(*p)) < base; ++p) {
    if (result.magnitude > (limit - d) / base) {
      result.overflow = 1;
      result.magnitude = limit;
    } else if (!result.overflow) {
      result.magnitude = result.magnitude * base + d;
    }
  }
  if (p != digits && end != NULL) *end = (char*)p;
  if (result.overflow) __vcc_fail(VCC_ERANGE);
  return result;
}

long long strtoll(const char* restrict s, char** restrict end, int base) {
  // Negative values go one further than positive ones.
  struct parsed r = parse(s, end, base, (uint64_t)INT64_MAX + 1);
  if (r.negative) return (long long)-r.magnitude;
  if (r.magnitude > INT64_MAX) {
    __vcc_fail(VCC_ERANGE);
    return INT64_MAX;
  }
  return (long long)r.magnitude;
}

unsigned long long strtoull(const char* restrict s, char** restrict end,
                            int base) {
  struct parsed r = parse(s, end, base, UINT64_MAX);
  if (r.overflow) return UINT64_MAX;
  return r.negative ? -r.magnitude : r.magnitude;
}

long strtol(const char* restrict s, char** restrict end, int base) {
  return strtoll(s, end, base);
}

unsigned long strtoul(const char* restrict s, char** restrict end, int base) {
  return strtoull(s, end, base);
}

int atoi(const char* s) { return (int)strtol(s, NULL, 10); }
long atol(const char* s) { return strtol(s, NULL, 10); }
long long atoll(const char* s) { return strtoll(s, NULL, 10); }

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

static void swap_bytes(char* a, char* b, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    char t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}

// Moves the element at `root` down until the heap below it is ordered.
static void sift_down(char* base, size_t root, size_t count, size_t size,
                      int (*compare)(const void*, const void*)) {
  for (size_t child; (child = 2 * root + 1) < count; root = child) {
    if (child + 1 < count &&
        compare(base + child * size, base + (child + 1) * size) < 0) {
      ++child;
    }
    if (compare(base + root * size, base + child * size) >= 0) return;
    swap_bytes(base + root * size, base + child * size, size);
  }
}

// Heapsort: O(n log n) comparisons, no recursion and no memory.
void qsort(void* base, size_t count, size_t size,
           int (*compare)(const void*, const void*)) {
  char* bytes = base;
  if (count < 2 || size == 0) return;
  for (size_t i = count / 2; i-- > 0;)
    sift_down(bytes, i, count, size, compare);
  for (size_t end = count - 1; end > 0; --end) {
    swap_bytes(bytes, bytes + end * size, size);
    sift_down(bytes, 0, end, size, compare);
  }
}

void* bsearch(const void* key, const void* base, size_t count, size_t size,
              int (*compare)(const void*, const void*)) {
  const char* lo = base;
  while (count > 0) {
    const char* mid = lo + (count / 2) * size;
    int order = compare(key, mid);
    if (order == 0) return (void*)mid;
    if (order > 0) {
      lo = mid + size;
      count -= count / 2 + 1;
    } else {
      count /= 2;
    }
  }
  return NULL;
}

// glibc's default random(): an additive generator r[i] = r[i-3] + r[i-31]
// seeded by a Lehmer generator, so rand() gives glibc's sequence.
static struct {
  int32_t r[34];
  int next;
  int seeded;
} rng;

void srand(unsigned seed) {
  int32_t* r = rng.r;
  int32_t word = seed == 0 ? 1 : (int32_t)seed;
  r[0] = word;
  for (int i = 1; i < 31; ++i) {
    // 16807 * word % (2^31 - 1) by Schrage's method, exactly as glibc.
    long hi = word / 127773, lo = word % 127773;
    word = (int32_t)(16807 * lo - 2836 * hi);
    if (word < 0) word += 2147483647;
    r[i] = word;
  }
  for (int i = 31; i < 34; ++i) r[i] = r[i - 31];
  rng.next = 0;
  rng.seeded = 1;
  for (int i = 0; i < 310; ++i) rand();  // glibc discards the first 310
}

int rand(void) {
  if (!rng.seeded) srand(1);
  // The last 34 values in a ring: r[i] = r[i - 31] + r[i - 3].
  int i = rng.next;
  uint32_t value =
      (uint32_t)rng.r[(i + 3) % 34] + (uint32_t)rng.r[(i + 31) % 34];
  rng.r[i] = (int32_t)value;
  rng.next = (i + 1) % 34;
  return (int)(value >> 1);
}

char* getenv(const char* name) {
  (void)name;
  return NULL;  // a virtine has no environment
}
