// Fuzzes image loading: arbitrary bytes, sizes, load addresses, entries
// and modes into the ELF reader (ParseElfImage), Virtine::load and
// Virtine::load_binary, then runs what loaded for a moment (real KVM).
// Input: a 14-byte header, then the image bytes.
//   byte 0:      bit 0: real mode (else long mode); bits 1-2: what loads
//                the bytes: 0 load_binary, 1 ParseElfImage then load,
//                2 load of an Image with the header's entry and read-only
//                size
//   byte 1:      memory: (byte % 32 + 1) * 64 KiB
//   bytes 2-5:   load address (little-endian)
//   bytes 6-9:   entry, as an offset from the load address
//   bytes 10-13: read-only size
// Checks, beyond "the host never crashes": a parsed ELF image keeps every
// promise of elf_image.h; loading fails only with InvalidArgument; what
// loaded runs, and whatever it does ends as a value, never a host error,
// and leaves a virtine that resets.
#include <cstdint>
#include <cstring>
#include <memory>

#include "absl/time/time.h"
#include "engine/elf_image.h"
#include "engine/virtine.h"
#include "guest/abi/hypercall.h"
#include "tests/fuzz/check.h"

namespace {

constexpr size_t kHeader = 14;
constexpr uint64_t kPage = 4096;

uint32_t Load32(const uint8_t* p) {
  uint32_t value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

void CheckElfImage(const wasp::OwnedImage& image) {
  WASP_FUZZ_CHECK(!image.bytes.empty());
  WASP_FUZZ_CHECK(image.load_address % kPage == 0);
  WASP_FUZZ_CHECK(image.load_address >= WASP_SYSTEM_AREA_END);
  WASP_FUZZ_CHECK(image.bytes.size() <=
                  WASP_MAX_LONG_MODE_MEMORY - image.load_address);
  WASP_FUZZ_CHECK(image.entry >= image.load_address &&
                  image.entry - image.load_address < image.bytes.size());
  WASP_FUZZ_CHECK(image.read_only_size % kPage == 0);
  WASP_FUZZ_CHECK(image.read_only_size <=
                  (image.bytes.size() + kPage - 1) / kPage * kPage);
}

// Loads as the header says; false when the loader refused.
bool Load(wasp::Virtine& virtine, uint8_t api, const uint8_t* header,
          absl::Span<const uint8_t> bytes) {
  absl::Status status;
  if (api == 1) {
    absl::StatusOr<wasp::OwnedImage> image = wasp::ParseElfImage(bytes, "fuzz");
    if (!image.ok()) {
      WASP_FUZZ_CHECK(absl::IsInvalidArgument(image.status()));
      return false;
    }
    CheckElfImage(*image);
    status = virtine.load(image->view());
  } else if (api == 2) {
    uint64_t address = Load32(header + 2);
    status = virtine.load(wasp::Image{"fuzz", bytes, address,
                                      address + Load32(header + 6),
                                      Load32(header + 10)});
  } else {
    status = virtine.load_binary(bytes, Load32(header + 2));
  }
  WASP_FUZZ_CHECK(status.ok() || absl::IsInvalidArgument(status));
  return status.ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeader) return 0;
  const bool real_mode = data[0] & 1;
  const uint8_t api = (data[0] >> 1) & 3;
  const uint64_t memory = (data[1] % 32 + 1) * uint64_t{64 << 10};
  auto virtine = wasp::Virtine::Create(
      memory, {.mode = real_mode ? wasp::Mode::kReal : wasp::Mode::kLong,
               .snapshots = true});
  WASP_FUZZ_CHECK(virtine.ok());
  if (!Load(**virtine, api, data,
            absl::MakeConstSpan(data + kHeader, size - kHeader))) {
    return 0;
  }
  // Whatever the image does (hypercalls exit to here: no handler table).
  for (int runs = 0; runs < 4; ++runs) {
    auto exit = (*virtine)->run(absl::Now() + absl::Milliseconds(2));
    WASP_FUZZ_CHECK(exit.ok());
    if (exit->reason != wasp::ExitReason::Hypercall) break;
  }
  WASP_FUZZ_CHECK((*virtine)->reset().ok());
  return 0;
}
