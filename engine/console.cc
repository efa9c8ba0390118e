#include "engine/console.h"

#include <unistd.h>

#include <cerrno>

#include "engine/virtine.h"

namespace wasp {

HypercallHandler ConsoleWriteHandler(int fd) {
  return [fd](Virtine& virtine, const Hypercall& call) {
    auto buffer = virtine.memory().Translate(call.args[0], call.args[1]);
    if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
    size_t done = 0;
    while (done < buffer->size()) {
      ssize_t n = ::write(fd, buffer->data() + done, buffer->size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return done > 0 ? HypercallResult::Return(done)
                        : HypercallResult::Error(WASP_EINVAL);
      }
      done += n;
    }
    return HypercallResult::Return(done);
  };
}

}  // namespace wasp
