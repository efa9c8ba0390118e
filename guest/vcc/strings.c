// <string.h> beyond the runtime's memcpy, memset, strlen, strcmp and kin
// (guest/runtime/string.c), which these build on.
#include "guest/vcc/libc.h"

char* stpcpy(char* restrict dst, const char* restrict src) {
  size_t len = strlen(src);
  memcpy(dst, src, len + 1);
  return dst + len;
}

char* strcpy(char* restrict dst, const char* restrict src) {
  stpcpy(dst, src);
  return dst;
}

char* strncpy(char* restrict dst, const char* restrict src, size_t n) {
  size_t len = strnlen(src, n);
  memcpy(dst, src, len);
  memset(dst + len, 0, n - len);  // strncpy pads with NULs to n
  return dst;
}

char* strcat(char* restrict dst, const char* restrict src) {
  strcpy(dst + strlen(dst), src);
  return dst;
}

char* strncat(char* restrict dst, const char* restrict src, size_t n) {
  char* end = dst + strlen(dst);
  size_t len = strnlen(src, n);
  memcpy(end, src, len);
  end[len] = '\0';
  return dst;
}

char* strrchr(const char* s, int c) {
  const char* last = NULL;
  for (;; ++s) {
    if (*s == (char)c) last = s;
    if (*s == '\0') return (char*)last;
  }
}

void* memchr(const void* s, int c, size_t n) {
  const unsigned char* p = s;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == (unsigned char)c) return (void*)(p + i);
  }
  return NULL;
}

void* mempcpy(void* restrict dst, const void* restrict src, size_t n) {
  return (char*)memcpy(dst, src, n) + n;
}

// LLVM turns memcmp(...) == 0 into bcmp.
int bcmp(const void* a, const void* b, size_t n) { return memcmp(a, b, n); }

char* strstr(const char* haystack, const char* needle) {
  size_t len = strlen(needle);
  for (; *haystack != '\0' || len == 0; ++haystack) {
    if (strncmp(haystack, needle, len) == 0) return (char*)haystack;
  }
  return NULL;
}

// A 256-bit set of the bytes in `chars`.
struct byte_set {
  uint64_t bits[4];
};

static struct byte_set make_set(const char* chars) {
  struct byte_set set = {{0}};
  for (const unsigned char* p = (const unsigned char*)chars; *p; ++p) {
    set.bits[*p / 64] |= 1ull << (*p % 64);
  }
  return set;
}

static int in_set(const struct byte_set* set, char c) {
  unsigned char byte = (unsigned char)c;
  return (set->bits[byte / 64] >> (byte % 64)) & 1;
}

size_t strspn(const char* s, const char* accept) {
  struct byte_set set = make_set(accept);
  size_t n = 0;
  while (s[n] != '\0' && in_set(&set, s[n])) ++n;
  return n;
}

size_t strcspn(const char* s, const char* reject) {
  struct byte_set set = make_set(reject);
  size_t n = 0;
  while (s[n] != '\0' && !in_set(&set, s[n])) ++n;
  return n;
}

char* strpbrk(const char* s, const char* accept) {
  s += strcspn(s, accept);
  return *s != '\0' ? (char*)s : NULL;
}

char* strtok_r(char* restrict s, const char* restrict delim,
               char** restrict save) {
  if (s == NULL) s = *save;
  s += strspn(s, delim);
  if (*s == '\0') {
    *save = s;
    return NULL;
  }
  char* end = s + strcspn(s, delim);
  *save = *end != '\0' ? end + 1 : end;
  *end = '\0';
  return s;
}

char* strtok(char* restrict s, const char* restrict delim) {
  static char* save;
  return strtok_r(s, delim, &save);
}

char* strndup(const char* s, size_t n) {
  size_t len = strnlen(s, n);
  char* copy = malloc(len + 1);
  if (copy == NULL) return NULL;
  memcpy(copy, s, len);
  copy[len] = '\0';
  return copy;
}

char* strdup(const char* s) { return strndup(s, SIZE_MAX); }

int strncasecmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
    if (x != y || x == '\0') return x - y;
  }
  return 0;
}

int strcasecmp(const char* a, const char* b) {
  return strncasecmp(a, b, SIZE_MAX);
}
