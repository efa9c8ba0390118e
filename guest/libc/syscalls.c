// newlib's OS hooks (it is built with MISSING_SYSCALL_NAMES, so it calls
// these plain names): the console, the clock and the heap on Wasp's
// hypercalls, everything else a clean -1 with errno. See docs/guest-libc.md.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>

#include "guest/libc/internal.h"
#include "guest/runtime/wasp.h"

// Descriptors 0-2 are the console; there are no others.
static int is_console(int fd) { return fd >= 0 && fd <= 2; }

// errno for a hypercall's -WASP_E* result: newlib numbers some differently
// from Linux (ENOSYS is 88, not 38).
static int errno_of(long result) {
  switch (-result) {
    case WASP_EPERM:
      return EPERM;
    case WASP_EBADF:
      return EBADF;
    case WASP_EFAULT:
      return EFAULT;
    case WASP_ENOSYS:
      return ENOSYS;
    default:
      return EINVAL;
  }
}

static int fail(int error) {
  errno = error;
  return -1;
}

int write(int fd, const void* buf, size_t len) {
  if (fd != 1 && fd != 2) return fail(EBADF);
  long written = wasp_write(buf, len);
  return written < 0 ? fail(errno_of(written)) : (int)written;
}

// A virtine has no input stream: its argument comes with the call
// (wasp_get_arg).
int read(int fd, void* buf, size_t len) {
  (void)buf;
  (void)len;
  return fail(fd == 0 ? ENOSYS : EBADF);
}

static uintptr_t heap_start;
static uintptr_t heap_end;
static uintptr_t heap_limit;

void __wasp_libc_heap_init(uintptr_t stack_top) {
  extern char __wasp_image_end[];
  heap_start = heap_end = (uintptr_t)__wasp_image_end;
  heap_limit = stack_top > heap_start + WASP_LIBC_STACK_RESERVE
                   ? stack_top - WASP_LIBC_STACK_RESERVE
                   : heap_start;
}

// The heap grows from the image's end towards the stack; ENOMEM at the
// limit, so that malloc returns NULL rather than overwrite the stack.
void* sbrk(ptrdiff_t increment) {
  uintptr_t old_end = heap_end;
  uintptr_t size = increment >= 0 ? (uintptr_t)increment
                                  : (uintptr_t)0 - (uintptr_t)increment;
  if (increment >= 0 ? size > heap_limit - old_end
                     : size > old_end - heap_start) {
    errno = ENOMEM;
    return (void*)-1;
  }
  heap_end = increment >= 0 ? old_end + size : old_end - size;
  return (void*)old_end;
}

void _exit(int code) { wasp_exit(code); }

int gettimeofday(struct timeval* tv, void* timezone) {
  (void)timezone;
  struct wasp_timeval now;
  long result =
      wasp_hypercall6(WASP_HC_HOST_GETTIMEOFDAY, (long)&now, 0, 0, 0, 0, 0);
  if (result < 0) return fail(errno_of(result));
  if (tv != NULL) {
    tv->tv_sec = now.sec;
    tv->tv_usec = now.usec;
  }
  return 0;
}

// The console is a terminal: stdio then buffers stdout by line, so output
// appears as it is printed, not only at exit.
int isatty(int fd) {
  if (is_console(fd)) return 1;
  errno = EBADF;
  return 0;
}

int fstat(int fd, struct stat* st) {
  if (!is_console(fd)) return fail(EBADF);
  *st = (struct stat){.st_mode = S_IFCHR};
  return 0;
}

off_t lseek(int fd, off_t offset, int whence) {
  (void)offset;
  (void)whence;
  return fail(is_console(fd) ? ESPIPE : EBADF);
}

int close(int fd) { return is_console(fd) ? 0 : fail(EBADF); }

// POSIX's getpid cannot fail; abort() hands its value to kill, which fails,
// and then exits with 1.
int getpid(void) { return 1; }

int kill(int pid, int sig) {
  (void)pid;
  (void)sig;
  return fail(ENOSYS);
}

// No file system, no processes, no process times.
int open(const char* path, int flags, ...) {
  (void)path;
  (void)flags;
  return fail(ENOSYS);
}

int unlink(const char* path) {
  (void)path;
  return fail(ENOSYS);
}

int link(const char* old_path, const char* new_path) {
  (void)old_path;
  (void)new_path;
  return fail(ENOSYS);
}

int stat(const char* path, struct stat* st) {
  (void)path;
  (void)st;
  return fail(ENOSYS);
}

clock_t times(struct tms* buf) {
  (void)buf;
  return (clock_t)fail(ENOSYS);
}

int fork(void) { return fail(ENOSYS); }

int execve(const char* path, char* const argv[], char* const envp[]) {
  (void)path;
  (void)argv;
  (void)envp;
  return fail(ENOSYS);
}

int wait(int* status) {
  (void)status;
  return fail(ENOSYS);
}
