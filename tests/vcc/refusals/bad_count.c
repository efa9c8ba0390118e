#include <virtine.h>
virtine_in(p, count) virtine int f(const int *p, int n) { return p[0] + n; }
