// The clock hypercall: WASP_HC_HOST_GETTIMEOFDAY(struct wasp_timeval *tv)
// writes the host's wall-clock time into guest memory (newlib's
// gettimeofday and time in guest/libc).
#ifndef WASP_ENGINE_CLOCK_H_
#define WASP_ENGINE_CLOCK_H_

#include "engine/hypercall.h"

namespace wasp {

// Returns 0, or -WASP_EFAULT when `tv` is not memory the guest may write.
HypercallHandler TimeOfDayHandler();

}  // namespace wasp

#endif  // WASP_ENGINE_CLOCK_H_
