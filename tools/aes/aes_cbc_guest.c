// The AES-CBC virtine: encrypts one chunk per call (format: aes_call.h),
// straight from its call area's argument into its result, so that a call
// dirties few pages for the reset to copy back. It checks its input itself:
// the host's is not trusted to be well formed.
#include "guest/runtime/wasp.h"
#include "tools/aes/aes_call.h"

static struct wasp_call_area area __attribute__((aligned(4096)));

int main(void) {
  // Every call resumes here from the snapshot, its argument in `area`.
  if (wasp_snapshot_call_area(&area) != 0) return WASP_AES_EXIT_NO_CALL_AREA;
  // Read once: the host wrote it, and it bounds everything below.
  uint32_t arg_len = *(volatile uint32_t*)&area.arg_len;
  if (arg_len < WASP_AES_REQUEST_HEADER_BYTES ||
      arg_len > sizeof(struct wasp_aes_cbc_request)) {
    return WASP_AES_EXIT_BAD_LENGTH;
  }
  size_t len = arg_len - WASP_AES_REQUEST_HEADER_BYTES;
  if (len % WASP_AES_BLOCK_BYTES != 0) return WASP_AES_EXIT_BAD_LENGTH;
  const struct wasp_aes_cbc_request* request =
      (const struct wasp_aes_cbc_request*)area.arg;
  // vpaes loops `rounds` times over the key: any other count runs off it.
  if (!wasp_aes_rounds_valid(request->key.rounds)) {
    return WASP_AES_EXIT_BAD_KEY;
  }

  uint8_t iv[WASP_AES_BLOCK_BYTES];
  memcpy(iv, request->iv, sizeof iv);
  wasp_vpaes_cbc_encrypt(request->data, area.result, len, &request->key, iv);
  memcpy(area.result + len, iv, sizeof iv);
  area.result_len = (uint32_t)(len + sizeof iv);
  return WASP_AES_EXIT_OK;
}
