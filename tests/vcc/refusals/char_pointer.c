#include <virtine.h>
virtine int f(char *s) { return s[0]; }
