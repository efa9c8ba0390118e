#include <virtine.h>
_Thread_local int counter;
virtine int f(int x) { return counter += x; }
