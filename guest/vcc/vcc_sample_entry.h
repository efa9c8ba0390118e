// The sample function vcc_guest_test calls through vcc_main.c, as vcc would
// lower `int sample(int a, int b, char *text, size_t text_len, const int *c,
// long *product)`: a, b and text_len in the args, text (in and out), c (in)
// and product (out) as buffers.
#ifndef WASP_GUEST_VCC_VCC_SAMPLE_ENTRY_H_
#define WASP_GUEST_VCC_VCC_SAMPLE_ENTRY_H_

#include <stdint.h>

struct vcc_sample_args {
  int32_t a;
  int32_t b;
  uint32_t text_len;
};

enum {
  VCC_SAMPLE_TEXT = 0,     // uppercased in place
  VCC_SAMPLE_C = 1,        // int32_t c
  VCC_SAMPLE_PRODUCT = 2,  // int64_t a * b * c; -1 if a buffer was not
                           // 16-byte aligned or the out buffer not zeroed
  VCC_SAMPLE_BUFFERS = 3,
};

#endif  // WASP_GUEST_VCC_VCC_SAMPLE_ENTRY_H_
