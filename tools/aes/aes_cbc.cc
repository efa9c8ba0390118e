#include "tools/aes/aes_cbc.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "tools/aes/aes_cbc_virtine_image.h"

namespace wasp::aes {
namespace {

// The guest's memory: the image, its stack and the runtime's heap reserve.
constexpr uint64_t kVirtineMemory = 256 << 10;
// CPU time one chunk may take; it needs microseconds.
constexpr absl::Duration kCallBudget = absl::Seconds(1);

absl::Status CheckBlocks(absl::Span<const uint8_t> in,
                         absl::Span<uint8_t> out) {
  if (in.size() % kBlockBytes != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AES-CBC input of ", in.size(),
        " bytes is not a whole number of 16-byte blocks; pad it (Pkcs7Pad)"));
  }
  if (out.size() != in.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AES-CBC output buffer of ", out.size(), " bytes for an input of ",
        in.size(), " bytes; give it the input's size"));
  }
  return absl::OkStatus();
}

absl::Status CheckKey(const Key& key) {
  if (wasp_aes_rounds_valid(key.rounds)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("AES key with ", key.rounds,
                   " vpaes rounds is not an expanded key; use ExpandKey"));
}

const char* GuestExitMeaning(int code) {
  switch (code) {
    case WASP_AES_EXIT_BAD_LENGTH:
      return "the guest refused the chunk's length";
    case WASP_AES_EXIT_BAD_KEY:
      return "the guest refused the key's round count";
    case WASP_AES_EXIT_NO_CALL_AREA:
      return "the host refused the guest's call area";
    default:
      return "unknown exit code";
  }
}

}  // namespace

absl::StatusOr<Key> ExpandKey(absl::Span<const uint8_t> key) {
  // Every use starts from a key: the one place to stop before a SIGILL.
  if (!__builtin_cpu_supports("ssse3")) {
    return absl::FailedPreconditionError(
        "this CPU lacks SSSE3, which vpaes needs (pshufb); run on an x86-64 "
        "CPU from 2006 or later");
  }
  if (key.size() != 16 && key.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AES key of ", key.size(),
        " bytes; give 16 or 32 bytes (AES-128 or AES-256: ring's vpaes has "
        "no AES-192)"));
  }
  Key expanded{};
  GFp_vpaes_set_encrypt_key(key.data(), static_cast<unsigned>(key.size() * 8),
                            &expanded);
  return expanded;
}

std::vector<uint8_t> Pkcs7Pad(absl::Span<const uint8_t> message) {
  size_t pad = kBlockBytes - message.size() % kBlockBytes;
  std::vector<uint8_t> padded(message.begin(), message.end());
  padded.resize(message.size() + pad, static_cast<uint8_t>(pad));
  return padded;
}

absl::Status EncryptCbcNative(const Key& key, Iv& iv,
                              absl::Span<const uint8_t> in,
                              absl::Span<uint8_t> out) {
  RETURN_IF_ERROR(CheckBlocks(in, out));
  RETURN_IF_ERROR(CheckKey(key));
  wasp_vpaes_cbc_encrypt(in.data(), out.data(), in.size(), &key, iv.data());
  return absl::OkStatus();
}

std::vector<uint8_t> EncodeChunk(const Key& key, const Iv& iv,
                                 absl::Span<const uint8_t> chunk) {
  std::vector<uint8_t> arg(WASP_AES_REQUEST_HEADER_BYTES + chunk.size());
  std::memcpy(arg.data(), &key, sizeof key);
  std::memcpy(arg.data() + sizeof key, iv.data(), iv.size());
  std::copy(chunk.begin(), chunk.end(),
            arg.begin() + WASP_AES_REQUEST_HEADER_BYTES);
  return arg;
}

absl::Status DecodeChunkResult(const CallResult& result,
                               absl::Span<uint8_t> out, Iv& iv) {
  if (result.exit.reason != ExitReason::Exited) {
    return absl::InternalError(absl::StrCat(
        "AES virtine did not finish its chunk: ", result.exit.ToString()));
  }
  if (result.exit.exit_code != WASP_AES_EXIT_OK) {
    return absl::InternalError(
        absl::StrCat("AES virtine exited with code ", result.exit.exit_code,
                     ": ", GuestExitMeaning(result.exit.exit_code)));
  }
  if (result.result.size() != out.size() + kBlockBytes) {
    return absl::InternalError(absl::StrCat(
        "AES virtine returned ", result.result.size(), " bytes for a ",
        out.size(), "-byte chunk; expected the ciphertext and the next IV (",
        out.size() + kBlockBytes, " bytes)"));
  }
  std::copy_n(result.result.begin(), out.size(), out.begin());
  std::copy_n(result.result.begin() + out.size(), kBlockBytes, iv.begin());
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<VirtineCbc>> VirtineCbc::Create(
    size_t virtines) {
  auto cache = std::make_unique<Cache>(
      kVirtineMemory,
      CacheOptions{.max_virtines = std::max<size_t>(1, virtines)});
  RETURN_IF_ERROR(cache->load(images::aes_cbc_virtine()));
  Exit stop = cache->load_stop();
  if (stop.reason != ExitReason::Hypercall ||
      stop.hypercall.number != WASP_HC_SNAPSHOT) {
    return absl::InternalError(absl::StrCat(
        "the AES virtine stopped before its snapshot: ", stop.ToString()));
  }
  return std::unique_ptr<VirtineCbc>(new VirtineCbc(std::move(cache)));
}

absl::Status VirtineCbc::Encrypt(const Key& key, Iv& iv,
                                 absl::Span<const uint8_t> in,
                                 absl::Span<uint8_t> out) {
  RETURN_IF_ERROR(CheckBlocks(in, out));
  RETURN_IF_ERROR(CheckKey(key));
  for (size_t offset = 0; offset < in.size(); offset += kChunkBytes) {
    size_t len = std::min(kChunkBytes, in.size() - offset);
    ASSIGN_OR_RETURN(CallResult result,
                     cache_->call(EncodeChunk(key, iv, in.subspan(offset, len)),
                                  kCallBudget));
    RETURN_IF_ERROR(DecodeChunkResult(result, out.subspan(offset, len), iv));
  }
  return absl::OkStatus();
}

}  // namespace wasp::aes
