// The user_data of an io_uring operation: what it was (a tag), whose (a
// slot) and which use of that slot (a generation), so that a completion
// that arrives after its slot was reused (a closed connection, its fd
// number taken again) reaches nobody.
#ifndef WASP_BASE_USER_DATA_H_
#define WASP_BASE_USER_DATA_H_

#include <cstdint>

namespace wasp {

struct UserData {
  uint8_t tag = 0;
  uint32_t slot = 0;  // below kUserDataSlots
  uint32_t generation = 0;
};

// Slots one ring can tell apart: tag (8 bits) | slot (24) | generation (32).
inline constexpr uint32_t kUserDataSlots = 1u << 24;

constexpr uint64_t PackUserData(UserData data) {
  return data.tag | (uint64_t{data.slot & (kUserDataSlots - 1)} << 8) |
         (uint64_t{data.generation} << 32);
}

constexpr UserData UnpackUserData(uint64_t packed) {
  return {.tag = static_cast<uint8_t>(packed),
          .slot = static_cast<uint32_t>(packed >> 8) & (kUserDataSlots - 1),
          .generation = static_cast<uint32_t>(packed >> 32)};
}

}  // namespace wasp

#endif  // WASP_BASE_USER_DATA_H_
