// The AES-CBC virtine: encrypts one chunk per call (format: aes_call.h).
// It checks its input itself: the host's is not trusted to be well formed.
#include "guest/runtime/wasp.h"
#include "tools/aes/aes_call.h"

int main(void) {
  // Every call resumes here from the snapshot, with its argument delivered.
  wasp_snapshot();
  struct wasp_aes_cbc_request request;
  long arg_len = wasp_get_arg(&request, sizeof request);
  if (arg_len < (long)WASP_AES_REQUEST_HEADER_BYTES ||
      arg_len > (long)sizeof request) {
    return WASP_AES_EXIT_BAD_LENGTH;
  }
  size_t len = (size_t)arg_len - WASP_AES_REQUEST_HEADER_BYTES;
  if (len % WASP_AES_BLOCK_BYTES != 0) return WASP_AES_EXIT_BAD_LENGTH;
  // vpaes loops `rounds` times over the key: any other count runs off it.
  if (!wasp_aes_rounds_valid(request.key.rounds)) return WASP_AES_EXIT_BAD_KEY;

  uint8_t result[WASP_AES_RESULT_MAX];
  wasp_vpaes_cbc_encrypt(request.data, result, len, &request.key, request.iv);
  memcpy(result + len, request.iv, WASP_AES_BLOCK_BYTES);
  return wasp_set_result(result, len + WASP_AES_BLOCK_BYTES) == 0
             ? WASP_AES_EXIT_OK
             : WASP_AES_EXIT_NO_RESULT;
}
