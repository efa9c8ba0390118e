// The example of upstream Wasp's README: must print 9.
#include <stdio.h>
#include <virtine.h>

virtine int square(int x) { return x * x; }

int main(int argc, char **argv) {
  printf("%d\n", square(3));
  return 0;
}
