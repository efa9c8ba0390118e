#include <virtine.h>
virtine int f(int **p) { return **p; }
