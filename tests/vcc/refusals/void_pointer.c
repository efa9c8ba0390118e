#include <virtine.h>
virtine int f(void *p) { return p != 0; }
