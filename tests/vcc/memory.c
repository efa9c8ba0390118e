// virtine_memory(bytes): a virtine's guest memory is what its function
// declares (1 MiB without it). Prints whether a 4 MiB allocation fit.
#include <stdio.h>
#include <stdlib.h>
#include <virtine.h>

// The compiler may assume a malloc() whose block is unused succeeds: use it.
static int fits(int mib) {
  volatile char *p = malloc((size_t)mib << 20);
  if (!p) return 0;
  p[((size_t)mib << 20) - 1] = 1;
  return p[((size_t)mib << 20) - 1];
}

virtine int default_memory(int mib) { return fits(mib); }
virtine_memory(16 << 20) virtine int large_memory(int mib) { return fits(mib); }

int main(void) {
  printf("default %d large %d\n", default_memory(4), large_memory(4));
  return 0;
}
