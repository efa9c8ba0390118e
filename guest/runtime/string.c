// <string.h> for the guest. gcc emits calls to memcpy, memmove, memset and
// memcmp even in freestanding code, so these must exist; and they must not
// become such calls themselves, which -O2's loop distribution would make of
// a plain byte loop (memset calling memset). Copies and fills therefore use
// `rep movsb`/`rep stosb`, which are also the fastest short form on CPUs with
// ERMS, and the other loops opt out of the transformation.
#include "guest/runtime/wasp.h"

#define NO_LIBCALLS \
  __attribute__((optimize("no-tree-loop-distribute-patterns")))

void* memcpy(void* restrict dst, const void* restrict src, size_t n) {
  void* ret = dst;
  __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
  return ret;
}

void* memmove(void* dst, const void* src, size_t n) {
  // A forward copy is right unless dst overlaps the tail of src; then copy
  // backwards, from the last byte down, with DF set for just this copy.
  if ((uintptr_t)dst - (uintptr_t)src >= n) return memcpy(dst, src, n);
  void* ret = dst;
  unsigned char* d = (unsigned char*)dst + n - 1;
  const unsigned char* s = (const unsigned char*)src + n - 1;
  __asm__ volatile("std\n\trep movsb\n\tcld"
                   : "+D"(d), "+S"(s), "+c"(n)
                   :
                   : "memory");
  return ret;
}

void* memset(void* dst, int c, size_t n) {
  void* ret = dst;
  __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
  return ret;
}

NO_LIBCALLS int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] - y[i];
  }
  return 0;
}

NO_LIBCALLS size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

NO_LIBCALLS size_t strnlen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

NO_LIBCALLS int strcmp(const char* a, const char* b) {
  return strncmp(a, b, SIZE_MAX);
}

NO_LIBCALLS int strncmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x != y) return x - y;
    if (x == '\0') break;
  }
  return 0;
}

NO_LIBCALLS char* strchr(const char* s, int c) {
  for (;; ++s) {
    if (*s == (char)c) return (char*)s;
    if (*s == '\0') return NULL;
  }
}
