// The C library of vcc virtines: the glibc names that code compiled against
// glibc's headers calls, implemented on the guest runtime (wasp.h). glibc's
// own headers would clash with the runtime's, so the prototypes are written
// out here; vcc_libc_selftest.c includes both and the compiler checks that
// they agree. Names are parenthesised where glibc also defines a macro.
#ifndef WASP_GUEST_VCC_LIBC_H_
#define WASP_GUEST_VCC_LIBC_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/runtime/wasp.h"

typedef struct _IO_FILE FILE;  // defined in stdio.c
typedef long ssize_t;
typedef long off_t;
typedef long time_t;
struct stat;
struct stat64;
struct timeval;

// errno values, numbered as on Linux.
#define VCC_EPERM 1
#define VCC_EIO 5
#define VCC_EBADF 9
#define VCC_ENOMEM 12
#define VCC_EINVAL 22
#define VCC_ENOTTY 25
#define VCC_EDOM 33
#define VCC_ERANGE 34

// <fcntl.h>'s flags that take a mode argument, as on Linux x86-64.
#define VCC_O_CREAT 0100
#define VCC_O_TMPFILE 020200000

// <errno.h>, <string.h>'s strerror (errno.c).
int* __errno_location(void);
char* strerror(int error);
// Sets errno to `error` and returns -1, as failing POSIX calls do.
int __vcc_fail(int error);

// <stdio.h> (stdio.c). stdout and stderr write to the console, unbuffered;
// stdin is always at its end; no other stream can be opened yet (fopen
// fails with EPERM; open() and read() reach host files).
extern FILE* stdin;
extern FILE* stdout;
extern FILE* stderr;
int printf(const char* restrict fmt, ...);
int vprintf(const char* restrict fmt, va_list ap);
int fprintf(FILE* restrict f, const char* restrict fmt, ...);
int vfprintf(FILE* restrict f, const char* restrict fmt, va_list ap);
int sprintf(char* restrict buf, const char* restrict fmt, ...);
int vsprintf(char* restrict buf, const char* restrict fmt, va_list ap);
int snprintf(char* restrict buf, size_t n, const char* restrict fmt, ...);
int vsnprintf(char* restrict buf, size_t n, const char* restrict fmt,
              va_list ap);
int puts(const char* s);
int(putchar)(int c);
int fputs(const char* restrict s, FILE* restrict f);
int fputc(int c, FILE* f);
int(putc)(int c, FILE* f);
size_t fwrite(const void* restrict ptr, size_t size, size_t n,
              FILE* restrict f);
int fflush(FILE* f);
int(getchar)(void);
int fgetc(FILE* f);
int(getc)(FILE* f);
int ungetc(int c, FILE* f);
char* fgets(char* restrict buf, int n, FILE* restrict f);
size_t fread(void* restrict ptr, size_t size, size_t n, FILE* restrict f);
int(feof)(FILE* f);
int(ferror)(FILE* f);
void clearerr(FILE* f);
int fileno(FILE* f);
FILE* fopen(const char* restrict path, const char* restrict mode);
int fclose(FILE* f);
void perror(const char* s);
// What glibc's inline putc_unlocked and getc_unlocked call.
int __overflow(FILE* f, int c);
int __uflow(FILE* f);

// _FORTIFY_SOURCE (fortify.c): glibc's checked variants. A failed check
// prints glibc's message and aborts.
int __printf_chk(int flag, const char* restrict fmt, ...);
int __vprintf_chk(int flag, const char* restrict fmt, va_list ap);
int __fprintf_chk(FILE* restrict f, int flag, const char* restrict fmt, ...);
int __vfprintf_chk(FILE* restrict f, int flag, const char* restrict fmt,
                   va_list ap);
int __sprintf_chk(char* restrict buf, int flag, size_t buf_len,
                  const char* restrict fmt, ...);
int __vsprintf_chk(char* restrict buf, int flag, size_t buf_len,
                   const char* restrict fmt, va_list ap);
int __snprintf_chk(char* restrict buf, size_t n, int flag, size_t buf_len,
                   const char* restrict fmt, ...);
int __vsnprintf_chk(char* restrict buf, size_t n, int flag, size_t buf_len,
                    const char* restrict fmt, va_list ap);
void* __memcpy_chk(void* restrict dst, const void* restrict src, size_t n,
                   size_t dst_len);
void* __memmove_chk(void* dst, const void* src, size_t n, size_t dst_len);
void* __mempcpy_chk(void* restrict dst, const void* restrict src, size_t n,
                    size_t dst_len);
void* __memset_chk(void* dst, int c, size_t n, size_t dst_len);
char* __strcpy_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len);
char* __stpcpy_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len);
char* __strcat_chk(char* restrict dst, const char* restrict src,
                   size_t dst_len);
char* __strncpy_chk(char* restrict dst, const char* restrict src, size_t n,
                    size_t dst_len);
char* __strncat_chk(char* restrict dst, const char* restrict src, size_t n,
                    size_t dst_len);
__attribute__((noreturn)) void __chk_fail(void);
__attribute__((noreturn)) void __stack_chk_fail(void);

// <string.h> beyond the runtime's (strings.c).
char* strcpy(char* restrict dst, const char* restrict src);
char* stpcpy(char* restrict dst, const char* restrict src);
char* strncpy(char* restrict dst, const char* restrict src, size_t n);
char* strcat(char* restrict dst, const char* restrict src);
char* strncat(char* restrict dst, const char* restrict src, size_t n);
char* strrchr(const char* s, int c);
char* strstr(const char* haystack, const char* needle);
char* strpbrk(const char* s, const char* accept);
size_t strspn(const char* s, const char* accept);
size_t strcspn(const char* s, const char* reject);
char* strtok(char* restrict s, const char* restrict delim);
char* strtok_r(char* restrict s, const char* restrict delim,
               char** restrict save);
char* strdup(const char* s);
char* strndup(const char* s, size_t n);
void* memchr(const void* s, int c, size_t n);
void* mempcpy(void* restrict dst, const void* restrict src, size_t n);
int bcmp(const void* a, const void* b, size_t n);
int strcasecmp(const char* a, const char* b);
int strncasecmp(const char* a, const char* b, size_t n);

// <stdlib.h> (stdlib.c, heap.c, process.c).
long strtol(const char* restrict s, char** restrict end, int base);
unsigned long strtoul(const char* restrict s, char** restrict end, int base);
long long strtoll(const char* restrict s, char** restrict end, int base);
unsigned long long strtoull(const char* restrict s, char** restrict end,
                            int base);
int atoi(const char* s);
long atol(const char* s);
long long atoll(const char* s);
int abs(int x);
long labs(long x);
long long llabs(long long x);
void qsort(void* base, size_t count, size_t size,
           int (*compare)(const void*, const void*));
void* bsearch(const void* key, const void* base, size_t count, size_t size,
              int (*compare)(const void*, const void*));
int rand(void);
void srand(unsigned seed);
char* getenv(const char* name);
void* malloc(size_t size);
void free(void* ptr);
void* calloc(size_t count, size_t size);
void* realloc(void* ptr, size_t size);
void* aligned_alloc(size_t alignment, size_t size);
void* memalign(size_t alignment, size_t size);
int posix_memalign(void** out, size_t alignment, size_t size);
__attribute__((noreturn)) void abort(void);
__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void _Exit(int code);
__attribute__((noreturn)) void _exit(int code);  // <unistd.h>
int atexit(void (*handler)(void));

// <assert.h> (process.c).
__attribute__((noreturn)) void __assert_fail(const char* expr, const char* file,
                                             unsigned line,
                                             const char* function);
extern char* program_invocation_name;
extern char* program_invocation_short_name;

// <ctype.h> (ctype.c): the C locale.
const unsigned short** __ctype_b_loc(void);
const int32_t** __ctype_toupper_loc(void);
const int32_t** __ctype_tolower_loc(void);
int(isalnum)(int c);
int(isalpha)(int c);
int(isblank)(int c);
int(iscntrl)(int c);
int(isdigit)(int c);
int(isgraph)(int c);
int(islower)(int c);
int(isprint)(int c);
int(ispunct)(int c);
int(isspace)(int c);
int(isupper)(int c);
int(isxdigit)(int c);
int(isascii)(int c);
int(toupper)(int c);
int(tolower)(int c);

// <math.h> (math.c).
double fabs(double x);
float fabsf(float x);
double floor(double x);
float floorf(float x);
double ceil(double x);
float ceilf(float x);
double trunc(double x);
float truncf(float x);
double round(double x);
float roundf(float x);
double sqrt(double x);
float sqrtf(float x);
double fmod(double x, double y);
float fmodf(float x, float y);
double copysign(double x, double y);
float copysignf(float x, float y);
double fmin(double x, double y);
float fminf(float x, float y);
double fmax(double x, double y);
float fmaxf(float x, float y);

// <unistd.h>, <fcntl.h>, <sys/stat.h>, <sys/time.h>, <time.h>
// (host_syscalls.c): the host's files, as the function's virtine_whitelist()
// allows; write() to 1 and 2 is the console.
ssize_t write(int fd, const void* buf, size_t n);
ssize_t read(int fd, void* buf, size_t n);
ssize_t __read_chk(int fd, void* buf, size_t n, size_t buf_len);
int open(const char* path, int flags, ...);
int open64(const char* path, int flags, ...);
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int close(int fd);
int fstat(int fd, struct stat* st);
int fstat64(int fd, struct stat64* st);
off_t lseek(int fd, off_t offset, int whence);
off_t lseek64(int fd, off_t offset, int whence);
int isatty(int fd);
int gettimeofday(struct timeval* restrict tv, void* restrict tz);
time_t time(time_t* out);
int unlink(const char* path);
int link(const char* old_path, const char* new_path);

#endif  // WASP_GUEST_VCC_LIBC_H_
