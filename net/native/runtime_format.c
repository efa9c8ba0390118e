/* The guest runtime's printf subset, compiled for the host unchanged. */
#include "guest/runtime/format.c"
