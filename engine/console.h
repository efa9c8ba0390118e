// The console hypercall: WASP_HC_WRITE(buf, len) writes guest bytes to a
// host file descriptor (the CLI's stdout).
#ifndef WASP_ENGINE_CONSOLE_H_
#define WASP_ENGINE_CONSOLE_H_

#include "engine/hypercall.h"

namespace wasp {

// Returns bytes written, -WASP_EFAULT for a buffer outside guest memory, or
// -WASP_EINVAL when the descriptor refuses the write.
HypercallHandler ConsoleWriteHandler(int fd);

}  // namespace wasp

#endif  // WASP_ENGINE_CONSOLE_H_
