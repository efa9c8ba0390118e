// The POSIX calls that reach the host's files through the WASP_HC_HOST_*
// hypercalls (tools/vcc/host_files.h has the host's rules): each succeeds
// only in a function whose virtine_whitelist() allows it, with descriptors
// the call was given or opened, and otherwise fails with the host's errno
// (EPERM without the permission, EBADF for another descriptor). Descriptors
// 1 and 2 are always the console. Kept in one file so that it can be
// replaced whole.
#include "guest/vcc/libc.h"

static int is_console(int fd) { return fd == 1 || fd == 2; }

// A hypercall's result as a POSIX call returns it: the value, or -1 with
// errno set.
static long result(long value) {
  return value < 0 ? __vcc_fail((int)-value) : value;
}

static long host_call(long number, long a0, long a1, long a2) {
  return result(wasp_hypercall6(number, a0, a1, a2, 0, 0, 0));
}

ssize_t write(int fd, const void* buf, size_t n) {
  if (!is_console(fd)) {
    return host_call(WASP_HC_HOST_WRITE, fd, (long)buf, (long)n);
  }
  if (n == 0) return 0;
  long written = wasp_write(buf, n);
  if (written == -WASP_EPERM) return __vcc_fail(VCC_EPERM);
  return written < 0 ? __vcc_fail(VCC_EIO) : written;
}

ssize_t read(int fd, void* buf, size_t n) {
  return host_call(WASP_HC_HOST_READ, fd, (long)buf, (long)n);
}

ssize_t __read_chk(int fd, void* buf, size_t n, size_t buf_len) {
  if (n > buf_len) __chk_fail();
  return read(fd, buf, n);
}

// The mode argument exists only when the flags create a file.
static int open_with(const char* path, int flags, va_list ap) {
  int mode = 0;
  if ((flags & VCC_O_CREAT) || (flags & VCC_O_TMPFILE) == VCC_O_TMPFILE) {
    mode = va_arg(ap, int);
  }
  return (int)host_call(WASP_HC_HOST_OPEN, (long)path, flags, mode);
}

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  int fd = open_with(path, flags, ap);
  va_end(ap);
  return fd;
}

// _FILE_OFFSET_BITS=64 renames open; on x86-64 it is the same call.
int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  int fd = open_with(path, flags, ap);
  va_end(ap);
  return fd;
}

// _FORTIFY_SOURCE's open without a mode, which must not create.
int __open_2(const char* path, int flags) {
  if (flags & VCC_O_CREAT) __chk_fail();
  return (int)host_call(WASP_HC_HOST_OPEN, (long)path, flags, 0);
}

int __open64_2(const char* path, int flags) { return __open_2(path, flags); }

int close(int fd) { return (int)host_call(WASP_HC_HOST_CLOSE, fd, 0, 0); }

// The host writes a struct wasp_stat, which is glibc's x86-64 struct stat.
int fstat(int fd, struct stat* st) {
  return (int)host_call(WASP_HC_HOST_FSTAT, fd, (long)st, 0);
}

int fstat64(int fd, struct stat64* st) {
  return (int)host_call(WASP_HC_HOST_FSTAT, fd, (long)st, 0);
}

off_t lseek(int fd, off_t offset, int whence) {
  return host_call(WASP_HC_HOST_LSEEK, fd, offset, whence);
}

off_t lseek64(int fd, off_t offset, int whence) {
  return lseek(fd, offset, whence);
}

int isatty(int fd) {
  if (is_console(fd)) {
    __vcc_fail(VCC_ENOTTY);
    return 0;
  }
  return host_call(WASP_HC_HOST_ISATTY, fd, 0, 0) == 1 ? 1 : 0;
}

int gettimeofday(struct timeval* restrict tv, void* restrict tz) {
  if (tz != NULL) memset(tz, 0, 8);  // struct timezone: UTC, no DST
  if (tv == NULL) return 0;
  return (int)host_call(WASP_HC_HOST_GETTIMEOFDAY, (long)tv, 0, 0);
}

time_t time(time_t* out) {
  struct wasp_timeval now;
  if (host_call(WASP_HC_HOST_GETTIMEOFDAY, (long)&now, 0, 0) < 0) return -1;
  if (out != NULL) *out = now.sec;
  return now.sec;
}

int unlink(const char* path) {
  return (int)host_call(WASP_HC_HOST_UNLINK, (long)path, 0, 0);
}

int link(const char* old_path, const char* new_path) {
  return (int)host_call(WASP_HC_HOST_LINK, (long)old_path, (long)new_path, 0);
}
