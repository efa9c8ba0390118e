#include <virtine.h>
virtine int *f(int x) { static int y; y = x; return &y; }
