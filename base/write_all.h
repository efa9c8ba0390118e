// Writes a buffer whole to a descriptor, as far as the descriptor lets it.
#ifndef WASP_BASE_WRITE_ALL_H_
#define WASP_BASE_WRITE_ALL_H_

#include <cstddef>

namespace wasp {

// Writes `size` bytes of `data` to `fd`, again after short writes and
// EINTR. Returns how many went out: fewer than `size` only when a write
// failed (errno tells why) or wrote nothing.
size_t WriteAll(int fd, const void* data, size_t size);

}  // namespace wasp

#endif  // WASP_BASE_WRITE_ALL_H_
