#include <virtine.h>
int elsewhere(int);
virtine int f(int x) { return elsewhere(x); }
