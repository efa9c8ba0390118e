// main() of every network app in a virtine: initialise once, snapshot, and
// serve one connection per call from that snapshot.
#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

int main(void) {
  if (app_init() != 0) return 1;
  wasp_snapshot();
  return app_serve();
}
