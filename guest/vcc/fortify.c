// glibc's _FORTIFY_SOURCE entry points: the compiler calls these when it
// knows the size of the destination (`dst_len`); a call that would overflow
// it ends the virtine as glibc ends a process. `flag` (the fortify level's
// %n policy) is ignored: the formatter has no %n.
#include "guest/vcc/libc.h"

// glibc's __fortify_fail: the message, then abort().
static __attribute__((noreturn)) void fortify_fail(const char* what) {
  fprintf(stderr, "*** %s ***: terminated\n", what);
  abort();
}

void __chk_fail(void) { fortify_fail("buffer overflow detected"); }

void __stack_chk_fail(void) { fortify_fail("stack smashing detected"); }

int __vprintf_chk(int flag, const char* restrict fmt, va_list ap) {
  (void)flag;
  return vfprintf(stdout, fmt, ap);
}

int __printf_chk(int flag, const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = __vprintf_chk(flag, fmt, ap);
  va_end(ap);
  return len;
}

int __vfprintf_chk(FILE* restrict f, int flag, const char* restrict fmt,
                   va_list ap) {
  (void)flag;
  return vfprintf(f, fmt, ap);
}

int __fprintf_chk(FILE* restrict f, int flag, const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = __vfprintf_chk(f, flag, fmt, ap);
  va_end(ap);
  return len;
}

int __vsnprintf_chk(char* restrict buf, size_t n, int flag, size_t buf_len,
                    const char* restrict fmt, va_list ap) {
  (void)flag;
  if (n > buf_len) __chk_fail();
  return vsnprintf(buf, n, fmt, ap);
}

int __snprintf_chk(char* restrict buf, size_t n, int flag, size_t buf_len,
                   const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = __vsnprintf_chk(buf, n, flag, buf_len, fmt, ap);
  va_end(ap);
  return len;
}

int __vsprintf_chk(char* restrict buf, int flag, size_t buf_len,
                   const char* restrict fmt, va_list ap) {
  (void)flag;
  if (buf_len == 0) __chk_fail();
  int len = vsnprintf(buf, buf_len, fmt, ap);
  if (len >= 0 && (size_t)len >= buf_len) __chk_fail();
  return len;
}

int __sprintf_chk(char* restrict buf, int flag, size_t buf_len,
                  const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = __vsprintf_chk(buf, flag, buf_len, fmt, ap);
  va_end(ap);
  return len;
}

void* __memcpy_chk(void* restrict dst, const void* restrict src, size_t n,
                   size_t dst_len) {
  if (n > dst_len) __chk_fail();
  return memcpy(dst, src, n);
}

void* __memmove_chk(void* dst, const void* src, size_t n, size_t dst_len) {
  if (n > dst_len) __chk_fail();
  return memmove(dst, src, n);
}

void* __mempcpy_chk(void* restrict dst, const void* restrict src, size_t n,
                    size_t dst_len) {
  if (n > dst_len) __chk_fail();
  return mempcpy(dst, src, n);
}

void* __memset_chk(void* dst, int c, size_t n, size_t dst_len) {
  if (n > dst_len) __chk_fail();
  return memset(dst, c, n);
}

char* __strcpy_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len) {
  size_t len = strlen(src);
  if (len >= dst_len) __chk_fail();
  return memcpy(dst, src, len + 1);
}

char* __stpcpy_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len) {
  size_t len = strlen(src);
  if (len >= dst_len) __chk_fail();
  memcpy(dst, src, len + 1);
  return dst + len;
}

char* __strcat_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len) {
  size_t used = strnlen(dst, dst_len);
  return __strcpy_chk(dst + used, src, dst_len - used) - used;
}

char* __strncpy_chk(char* restrict dst, const char* restrict src, size_t n,
                    size_t dst_len) {
  if (n > dst_len) __chk_fail();
  return strncpy(dst, src, n);
}

char* __strncat_chk(char* restrict dst, const char* restrict src, size_t n,
                    size_t dst_len) {
  size_t used = strnlen(dst, dst_len);
  size_t add = strnlen(src, n);
  if (used + add >= dst_len) __chk_fail();
  memcpy(dst + used, src, add);
  dst[used + add] = '\0';
  return dst;
}
