// A guest program as the host loads it: flat bytes plus where they go.
// Bazel's virtine_image() embeds images as functions returning an Image.
#ifndef WASP_ENGINE_IMAGE_H_
#define WASP_ENGINE_IMAGE_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace wasp {

struct Image {
  absl::string_view name;
  absl::Span<const uint8_t> bytes;
  uint64_t load_address = 0;
  uint64_t entry = 0;
  // Bytes from load_address mapped read-only and executable (code and
  // constants); 0 for flat images, which stay writable and executable.
  uint64_t read_only_size = 0;
};

}  // namespace wasp

#endif  // WASP_ENGINE_IMAGE_H_
