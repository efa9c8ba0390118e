// <stdio.h> over the console. Output is unbuffered: printf formats a whole
// call in one batch (wasp_vprintf) and nothing is lost if the virtine
// faults afterwards. Input: stdin is empty, always at its end.
#include "guest/vcc/libc.h"

// glibc's struct _IO_FILE is 216 bytes; its inline putc_unlocked and
// getc_unlocked compare the pointers at offsets 8-48, and feof_unlocked
// tests _flags. Keeping those pointers 0 makes them call __overflow and
// __uflow, which land here.
#define VCC_IO_EOF_SEEN 0x10
#define VCC_IO_ERR_SEEN 0x20
struct _IO_FILE {
  int flags;  // glibc's _flags: VCC_IO_EOF_SEEN, VCC_IO_ERR_SEEN
  char glibc_fields[212];
  int fd;
};
_Static_assert(offsetof(struct _IO_FILE, fd) == 216, "glibc's FILE first");

static FILE streams[3] = {{.fd = 0}, {.fd = 1}, {.fd = 2}};
FILE* stdin = &streams[0];
FILE* stdout = &streams[1];
FILE* stderr = &streams[2];

static int is_console(const FILE* f) {
  return f == &streams[1] || f == &streams[2];
}

// Marks f failed with `error` in errno; returns -1 (EOF).
static int stream_error(FILE* f, int error) {
  if (f == &streams[0] || is_console(f)) f->flags |= VCC_IO_ERR_SEEN;
  return __vcc_fail(error);
}

// Writes all of buf to f; 0 or -1.
static int stream_write(FILE* f, const void* buf, size_t len) {
  if (!is_console(f)) return stream_error(f, VCC_EBADF);
  if (len == 0) return 0;
  return wasp_write(buf, len) == (long)len ? 0 : stream_error(f, VCC_EIO);
}

int vfprintf(FILE* restrict f, const char* restrict fmt, va_list ap) {
  if (!is_console(f)) return stream_error(f, VCC_EBADF);
  int len = wasp_vprintf(fmt, ap);
  return len < 0 ? stream_error(f, VCC_EIO) : len;
}

int fprintf(FILE* restrict f, const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vfprintf(f, fmt, ap);
  va_end(ap);
  return len;
}

int vprintf(const char* restrict fmt, va_list ap) {
  return vfprintf(stdout, fmt, ap);
}

int printf(const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return len;
}

int vsnprintf(char* restrict buf, size_t n, const char* restrict fmt,
              va_list ap) {
  return wasp_vsnprintf(buf, n, fmt, ap);
}

int snprintf(char* restrict buf, size_t n, const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = wasp_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return len;
}

int vsprintf(char* restrict buf, const char* restrict fmt, va_list ap) {
  // No bound is known: the caller promises room, as in C.
  return wasp_vsnprintf(buf, (size_t)INT32_MAX + 1, fmt, ap);
}

int sprintf(char* restrict buf, const char* restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsprintf(buf, fmt, ap);
  va_end(ap);
  return len;
}

int fputs(const char* restrict s, FILE* restrict f) {
  return stream_write(f, s, strlen(s)) == 0 ? 1 : -1;  // glibc returns 1
}

int puts(const char* s) {
  // One write for the line and its newline.
  int len = fprintf(stdout, "%s\n", s);
  return len < 0 ? -1 : len;
}

int fputc(int c, FILE* f) {
  unsigned char byte = (unsigned char)c;
  return stream_write(f, &byte, 1) == 0 ? byte : -1;
}

int(putc)(int c, FILE* f) { return fputc(c, f); }
int(putchar)(int c) { return fputc(c, stdout); }
int __overflow(FILE* f, int c) { return fputc(c, f); }

size_t fwrite(const void* restrict ptr, size_t size, size_t n,
              FILE* restrict f) {
  if (size == 0 || n == 0) return 0;
  if (n > SIZE_MAX / size) {
    stream_error(f, VCC_EINVAL);
    return 0;
  }
  return stream_write(f, ptr, size * n) == 0 ? n : 0;
}

int fflush(FILE* f) {
  (void)f;  // nothing is buffered
  return 0;
}

int fgetc(FILE* f) {
  if (f != stdin) return stream_error(f, VCC_EBADF);
  f->flags |= VCC_IO_EOF_SEEN;
  return -1;
}

int(getc)(FILE* f) { return fgetc(f); }
int(getchar)(void) { return fgetc(stdin); }
int __uflow(FILE* f) { return fgetc(f); }

int ungetc(int c, FILE* f) {
  (void)c;
  (void)f;
  return -1;  // nothing was read, so nothing can go back
}

char* fgets(char* restrict buf, int n, FILE* restrict f) {
  (void)buf;
  (void)n;
  fgetc(f);
  return NULL;
}

size_t fread(void* restrict ptr, size_t size, size_t n, FILE* restrict f) {
  (void)ptr;
  if (size != 0 && n != 0) fgetc(f);
  return 0;
}

int(feof)(FILE* f) { return (f->flags & VCC_IO_EOF_SEEN) != 0; }
int(ferror)(FILE* f) { return (f->flags & VCC_IO_ERR_SEEN) != 0; }
void clearerr(FILE* f) { f->flags &= ~(VCC_IO_EOF_SEEN | VCC_IO_ERR_SEEN); }
int fileno(FILE* f) { return f->fd; }

FILE* fopen(const char* restrict path, const char* restrict mode) {
  (void)path;
  (void)mode;
  __vcc_fail(VCC_EPERM);  // no streams on host files yet: use open()
  return NULL;
}

int fclose(FILE* f) {
  (void)f;
  return 0;  // the standard streams stay usable: they hold nothing
}

void perror(const char* s) {
  const char* message = strerror(*__errno_location());
  if (s != NULL && *s != '\0') {
    fprintf(stderr, "%s: %s\n", s, message);
  } else {
    fprintf(stderr, "%s\n", message);
  }
}
