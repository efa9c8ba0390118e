// The shape of upstream Wasp's test/smoketest.c: a scalar argument, and an
// `int *` that the virtine updates in place (one object, copied in and
// back). Aborts (assert) if either goes wrong.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <virtine.h>

virtine int smoketest_square(int val) { return val * val; }

virtine int smoketest_square_ref(int *r) {
  *r *= *r;
  return 0;
}

int main(void) {
  printf("smoke test: an assertion fails if virtines are broken\n");
  int val = 3;
  smoketest_square_ref(&val);
  assert(val == 9);
  val = smoketest_square(3);
  printf("val=%d\n", val);
  assert(val == 9);
  printf("smoke test passed\n");
  return 0;
}
