// A virtine that faults and one that never returns, chosen by argv[1]: the
// program must stop with a message naming the function, never hang.
#include <stdio.h>
#include <string.h>
#include <virtine.h>

virtine int crash(int n) {
  volatile int *nowhere = (int *)(long)(n * 0);
  return *nowhere;
}
virtine int spin(int n) {
  for (volatile int i = 0;; i += n) {
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "crash") == 0) printf("%d\n", crash(1));
  if (argc > 1 && strcmp(argv[1], "spin") == 0) printf("%d\n", spin(1));
  return 0;
}
