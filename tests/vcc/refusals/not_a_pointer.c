#include <virtine.h>
virtine_in(n, 4) virtine int f(int n) { return n; }
