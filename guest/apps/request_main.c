// main() of every request-scoped app in a virtine: initialise once, then
// snapshot with the request area; every run resumes there with its input,
// answers, and exits with the area filled in (one exit per run).
#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

static struct wasp_request_area area;

int main(void) {
  if (app_init() != 0) return 1;
  void* input = wasp_malloc(app_input_capacity);
  if (input == NULL) return 1;
  area.in = (uint64_t)(uintptr_t)input;
  area.in_cap = app_input_capacity;
  if (wasp_snapshot_requests(&area) != 0) return 1;
  return app_handle(&area);
}
