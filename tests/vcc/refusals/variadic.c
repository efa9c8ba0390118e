#include <virtine.h>
virtine int f(int n, ...) { return n; }
