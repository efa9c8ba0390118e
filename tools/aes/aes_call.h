/*
 * The call format of the AES-CBC virtine (aes_cbc_guest.c), compiled by the
 * guest and the host. One call encrypts one chunk of at most
 * WASP_AES_CHUNK_MAX bytes, as upstream's OpenSSL virtine did:
 *   argument: the key, the IV, then the chunk (a whole number of blocks);
 *             its length is WASP_AES_REQUEST_HEADER_BYTES + the chunk's.
 *   result:   the ciphertext (as long as the chunk), then the IV of the
 *             next chunk (the last ciphertext block).
 *   exit code: WASP_AES_EXIT_*; no result unless WASP_AES_EXIT_OK.
 */
#ifndef WASP_TOOLS_AES_AES_CALL_H_
#define WASP_TOOLS_AES_AES_CALL_H_

#include "guest/abi/hypercall.h"
#include "tools/aes/vpaes.h"

#define WASP_AES_CHUNK_MAX 256

struct wasp_aes_cbc_request {
  struct wasp_aes_key key;
  uint8_t iv[WASP_AES_BLOCK_BYTES];
  uint8_t data[WASP_AES_CHUNK_MAX];
};

#define WASP_AES_REQUEST_HEADER_BYTES \
  (sizeof(struct wasp_aes_key) + WASP_AES_BLOCK_BYTES)
#define WASP_AES_RESULT_MAX (WASP_AES_CHUNK_MAX + WASP_AES_BLOCK_BYTES)

#define WASP_AES_EXIT_OK 0
#define WASP_AES_EXIT_BAD_LENGTH 1   /* chunk too long or not whole blocks */
#define WASP_AES_EXIT_BAD_KEY 2      /* a round count no key size gives */
#define WASP_AES_EXIT_NO_CALL_AREA 3 /* the host refused the call area */

#ifdef __cplusplus
static_assert(offsetof(struct wasp_aes_cbc_request, data) ==
                  WASP_AES_REQUEST_HEADER_BYTES,
              "no padding");
static_assert(sizeof(struct wasp_aes_cbc_request) <= WASP_CALL_ARG_MAX,
              "fits the call area");
static_assert(WASP_AES_RESULT_MAX <= WASP_CALL_RESULT_MAX,
              "fits the call area");
#else
_Static_assert(offsetof(struct wasp_aes_cbc_request, data) ==
                   WASP_AES_REQUEST_HEADER_BYTES,
               "no padding");
_Static_assert(sizeof(struct wasp_aes_cbc_request) <= WASP_CALL_ARG_MAX,
               "fits the call area");
_Static_assert(WASP_AES_RESULT_MAX <= WASP_CALL_RESULT_MAX,
               "fits the call area");
#endif

#endif /* WASP_TOOLS_AES_AES_CALL_H_ */
