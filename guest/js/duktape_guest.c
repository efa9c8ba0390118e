// Duktape as the virtine builds it. Duktape seeds Math.random from time()
// while it creates its heap; in a virtine that is a host call before the
// snapshot, which would end the snapshot's preparation (engine/cache.h), so
// its clock is js_clock_time (js_virtine.c) instead.
#define time js_clock_time
#include "duktape.c"
