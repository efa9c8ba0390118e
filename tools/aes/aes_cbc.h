// AES-CBC encryption with ring's vpaes, natively or in a virtine per chunk
// (paper §6.4): the host splits the input into 256-byte chunks and calls the
// AES virtine once for each, chaining the IV from one call to the next.
#ifndef WASP_TOOLS_AES_AES_CBC_H_
#define WASP_TOOLS_AES_AES_CBC_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/cache.h"
#include "engine/virtine.h"
#include "tools/aes/aes_call.h"

namespace wasp::aes {

using Key = wasp_aes_key;
using Iv = std::array<uint8_t, WASP_AES_BLOCK_BYTES>;

inline constexpr size_t kBlockBytes = WASP_AES_BLOCK_BYTES;
// One virtine call encrypts at most this much, as upstream's did.
inline constexpr size_t kChunkBytes = WASP_AES_CHUNK_MAX;

// vpaes's schedule of a 16- or 32-byte key; InvalidArgument otherwise
// (ring's vpaes has no AES-192).
absl::StatusOr<Key> ExpandKey(absl::Span<const uint8_t> key);

// `message` padded to whole blocks as PKCS #7 (and OpenSSL's EVP) pads it.
std::vector<uint8_t> Pkcs7Pad(absl::Span<const uint8_t> message);

// CBC-encrypts `in` (whole blocks) into `out` (as long; may be `in`) and
// leaves the IV of the next message in `iv`.
absl::Status EncryptCbcNative(const Key& key, Iv& iv,
                              absl::Span<const uint8_t> in,
                              absl::Span<uint8_t> out);

// The argument of one virtine call for `chunk` (whole blocks, at most
// kChunkBytes).
std::vector<uint8_t> EncodeChunk(const Key& key, const Iv& iv,
                                 absl::Span<const uint8_t> chunk);
// Copies a call's ciphertext to `out` (the chunk's size) and its next IV to
// `iv`; an error if the virtine did not exit with a whole result.
absl::Status DecodeChunkResult(const CallResult& result,
                               absl::Span<uint8_t> out, Iv& iv);

// The AES virtine behind a wasp::Cache: every call starts from its snapshot,
// so nothing of one chunk reaches the next. Thread-safe.
class VirtineCbc final {
 public:
  // `virtines`: how many calls may run at once.
  static absl::StatusOr<std::unique_ptr<VirtineCbc>> Create(
      size_t virtines = 1);
  VirtineCbc(const VirtineCbc&) = delete;
  VirtineCbc& operator=(const VirtineCbc&) = delete;

  // EncryptCbcNative's contract, one virtine call per kChunkBytes.
  absl::Status Encrypt(const Key& key, Iv& iv, absl::Span<const uint8_t> in,
                       absl::Span<uint8_t> out);

  // The pool, for callers that drive calls themselves (tests, benchmarks).
  Cache& cache() { return *cache_; }

 private:
  explicit VirtineCbc(std::unique_ptr<Cache> cache)
      : cache_(std::move(cache)) {}
  std::unique_ptr<Cache> cache_;
};

}  // namespace wasp::aes

#endif  // WASP_TOOLS_AES_AES_CBC_H_
