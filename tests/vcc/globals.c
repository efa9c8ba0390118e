// Globals in a virtine: each call sees their initial values, and the
// caller's copies never change (as upstream Wasp's). Prints what it saw.
#include <stdio.h>
#include <stdlib.h>
#include <virtine.h>

int counter = 100;
static char *buffer;

virtine int bump(void) { return ++counter; }
virtine int allocate(void) {
  int fresh = buffer == NULL;
  free(buffer);
  buffer = malloc(64);
  return fresh;
}

int main(void) {
  int a = bump(), b = bump();
  int c = allocate(), d = allocate();
  printf("bump %d %d caller %d\n", a, b, counter);
  printf("allocate %d %d\n", c, d);
  free(buffer);  // natively the last block (in a virtine: still NULL here)
  return 0;
}
