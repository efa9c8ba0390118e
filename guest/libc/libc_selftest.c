// Exercises newlib and its hooks inside a virtine; prints one "name: value"
// line per check for libc_test.cc to compare with what it expects.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guest/runtime/wasp.h"

long wasp_test_add(long a, long b);  // testdata_add.S

static void check_printf(void) {
  printf("printf: %d %s %5.2f %llx %zu %c\n", -42, "hello", 3.14159,
         0x123456789abcULL, (size_t)7, 'z');
  printf("asm: %ld\n", wasp_test_add(40, 2));
}

static void check_realloc(void) {
  char* text = malloc(8);
  memcpy(text, "virtine", 8);
  char* bigger = realloc(text, 100000);
  char* other = malloc(64);
  printf("realloc: %s %d\n", bigger, bigger != NULL && other != NULL);
  free(other);
  free(bigger);
}

// Allocates 64 KiB blocks until malloc says no, then frees them all and
// allocates again: the heap ends in NULL, not a crash, and recovers.
static void check_heap_exhaustion(void) {
  enum { kBlock = 64 * 1024, kMaxBlocks = 4096 };
  static void* blocks[kMaxBlocks];
  int count = 0;
  while (count < kMaxBlocks && (blocks[count] = malloc(kBlock)) != NULL) {
    memset(blocks[count], 0xA5, kBlock);  // the memory is really there
    ++count;
  }
  int exhausted_errno = errno;
  void* huge = malloc((size_t)1 << 40);
  // Blocks before NULL, errno then, whether malloc(1 TiB) succeeded.
  printf("heap: %d %d %d\n", count, exhausted_errno, huge != NULL);
  for (int i = 0; i < count; ++i) free(blocks[i]);
  void* again = malloc(kBlock);
  printf("heap after free: %d\n", again != NULL);
  free(again);
}

static void check_time(void) {
  struct timeval tv;
  int result = gettimeofday(&tv, NULL);
  printf("time: %d %lld %lld\n", result, (long long)time(NULL),
         (long long)tv.tv_sec);
  // The host refuses a buffer the guest does not own (the null page).
  long raw = wasp_hypercall6(WASP_HC_HOST_GETTIMEOFDAY, 0x10, 0, 0, 0, 0, 0);
  printf("time at 0x10: %ld\n", raw);
}

static void report(const char* name, long result) {
  printf("%s: %ld %s\n", name, result, strerror(errno));
  errno = 0;
}

static void check_unsupported(void) {
  struct stat st;
  char byte;
  errno = 0;
  report("open", open("/etc/passwd", O_RDONLY));
  report("read", read(0, &byte, 1));
  report("read 7", read(7, &byte, 1));
  report("write 5", write(5, "x", 1));
  report("fstat 5", fstat(5, &st));
  report("lseek 1", lseek(1, 0, SEEK_SET));
  report("close 9", close(9));
  report("kill", kill(1, 9));
  report("isatty 4", isatty(4));
  report("isatty 1", isatty(1));
  report("fopen", fopen("/tmp/x", "r") != NULL);
}

int main(void) {
  check_printf();
  check_realloc();
  check_heap_exhaustion();
  check_time();
  check_unsupported();
  printf("done\n");
  return 7;
}
