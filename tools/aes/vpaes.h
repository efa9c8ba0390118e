// AES by ring's vpaes (SSSE3 table lookups with pshufb, no AES-NI),
// assembled from Debian's perlasm by @ring//:vpaes_x86_64_asm, and CBC
// encryption over its block function. The guest image and the host's
// native baseline both compile this header, so both run the same code.
#ifndef WASP_TOOLS_AES_VPAES_H_
#define WASP_TOOLS_AES_VPAES_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
extern "C" {
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define WASP_AES_BLOCK_BYTES 16
#define WASP_AES_MAX_ROUNDS 14

// ring's AES_KEY: vpaes's own expanded key (not FIPS-197's schedule) and its
// round count, which vpaes stores as bits / 32 + 5 (9 or 13: ring removed
// AES-192).
struct wasp_aes_key {
  uint32_t rd_key[4 * (WASP_AES_MAX_ROUNDS + 1)];
  uint32_t rounds;
};

// Expands a 128- or 256-bit key (other sizes are not checked: the caller
// must); returns 0.
int GFp_vpaes_set_encrypt_key(const uint8_t* user_key, unsigned bits,
                              struct wasp_aes_key* key);
// Encrypts one 16-byte block; `in` and `out` may be the same.
void GFp_vpaes_encrypt(const uint8_t* in, uint8_t* out,
                       const struct wasp_aes_key* key);

#ifdef __cplusplus
}  // extern "C"
#endif

// A round count GFp_vpaes_set_encrypt_key produces.
static inline int wasp_aes_rounds_valid(uint32_t rounds) {
  return rounds == 9 || rounds == 13;
}

// CBC-encrypts the whole blocks of `len` bytes from `in` to `out` (which may
// be the same) and leaves the last ciphertext block in `iv`, the IV of the
// next call. ring has no CBC entry point, hence this loop.
static inline void wasp_vpaes_cbc_encrypt(const uint8_t* in, uint8_t* out,
                                          size_t len,
                                          const struct wasp_aes_key* key,
                                          uint8_t* iv) {
  for (size_t offset = 0; len - offset >= WASP_AES_BLOCK_BYTES;
       offset += WASP_AES_BLOCK_BYTES) {
    uint8_t block[WASP_AES_BLOCK_BYTES];
    for (int i = 0; i < WASP_AES_BLOCK_BYTES; ++i) {
      block[i] = in[offset + i] ^ iv[i];
    }
    // Into `iv` first, so that `out` may overlap `in`.
    GFp_vpaes_encrypt(block, iv, key);
    __builtin_memcpy(out + offset, iv, WASP_AES_BLOCK_BYTES);
  }
}

#endif  // WASP_TOOLS_AES_VPAES_H_
