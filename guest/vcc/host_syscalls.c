// The POSIX calls that will reach the host once it serves files. For now
// only the console exists: write() to fds 1 and 2; everything else fails
// with EPERM. Kept in one file so that it can be replaced whole.
#include "guest/vcc/libc.h"

ssize_t write(int fd, const void* buf, size_t n) {
  if (fd != 1 && fd != 2) return __vcc_fail(VCC_EBADF);
  if (n == 0) return 0;
  long written = wasp_write(buf, n);
  return written < 0 ? __vcc_fail(VCC_EIO) : written;
}

ssize_t read(int fd, void* buf, size_t n) {
  (void)fd;
  (void)buf;
  (void)n;
  return __vcc_fail(VCC_EPERM);
}

int open(const char* path, int flags, ...) {
  (void)path;
  (void)flags;
  return __vcc_fail(VCC_EPERM);
}

int close(int fd) {
  (void)fd;
  return __vcc_fail(VCC_EPERM);
}

int fstat(int fd, struct stat* st) {
  (void)fd;
  (void)st;
  return __vcc_fail(VCC_EPERM);
}

off_t lseek(int fd, off_t offset, int whence) {
  (void)fd;
  (void)offset;
  (void)whence;
  return __vcc_fail(VCC_EPERM);
}
