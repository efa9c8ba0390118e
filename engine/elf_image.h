// A guest image from an ELF executable, as the SDK's wasp-app-cc and
// virtine_image() link them (bazel/guest.ld): the PT_LOAD segments laid out
// flat from the lowest address, the entry point, and the read-only size
// (the non-writable segments that come first: code and constants).
#ifndef WASP_ENGINE_ELF_IMAGE_H_
#define WASP_ENGINE_ELF_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/image.h"

namespace wasp {

// An Image that owns its bytes.
struct OwnedImage {
  std::string name;
  std::vector<uint8_t> bytes;
  uint64_t load_address = 0;
  uint64_t entry = 0;
  uint64_t read_only_size = 0;

  // A view of this one; valid while it lives.
  Image view() const {
    return Image{name, bytes, load_address, entry, read_only_size};
  }
};

// InvalidArgument, saying what is wrong, for anything but a static x86-64
// executable whose segments lie in [WASP_SYSTEM_AREA_END, 1 GiB), in order,
// without overlap, read-only ones before writable ones, none both writable
// and executable, with the entry in an executable one's bytes from the file.
absl::StatusOr<OwnedImage> ParseElfImage(absl::Span<const uint8_t> file,
                                         std::string name);
absl::StatusOr<OwnedImage> ReadElfImage(const std::string& path);

}  // namespace wasp

#endif  // WASP_ENGINE_ELF_IMAGE_H_
