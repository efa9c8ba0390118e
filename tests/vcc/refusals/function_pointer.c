#include <virtine.h>
virtine int f(int (*g)(int)) { return g(1); }
