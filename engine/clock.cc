#include "engine/clock.h"

#include <sys/time.h>

#include <cstring>

#include "engine/virtine.h"

namespace wasp {

HypercallHandler TimeOfDayHandler() {
  return [](Virtine& virtine, const Hypercall& call) {
    // Checked like every guest buffer the host writes: within the region
    // every reset restores, never the guest's code or system area.
    auto buffer = virtine.memory().TranslateGuestBuffer(
        call.args[0], sizeof(wasp_timeval), virtine.writable_region());
    if (!buffer.ok()) return HypercallResult::Error(WASP_EFAULT);
    struct timeval now;
    ::gettimeofday(&now, nullptr);
    const wasp_timeval value{.sec = now.tv_sec, .usec = now.tv_usec};
    std::memcpy(buffer->data(), &value, sizeof value);
    return HypercallResult::Return(0);
  };
}

}  // namespace wasp
