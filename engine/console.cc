#include "engine/console.h"

#include <unistd.h>

#include <cerrno>

#include "base/write_all.h"
#include "engine/virtine.h"

namespace wasp {

HypercallHandler ConsoleWriteHandler(int fd) {
  return [fd](Virtine& virtine, const Hypercall& call) {
    auto buffer = virtine.memory().Translate(call.args[0], call.args[1]);
    if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
    size_t done = WriteAll(fd, buffer->data(), buffer->size());
    return done > 0 || buffer->empty() ? HypercallResult::Return(done)
                                       : HypercallResult::Error(WASP_EINVAL);
  };
}

}  // namespace wasp
