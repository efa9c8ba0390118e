// A hand-written __vcc_entry (see vcc_sample_entry.h), compiled against
// glibc's headers like the code vcc extracts. It returns a + b, prints it,
// uppercases the text and writes the product.
#include "guest/vcc/vcc_sample_entry.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int aligned(const void* p) { return (uintptr_t)p % 16 == 0; }

void __vcc_entry(void* args, void* const* buffers, void* ret) {
  const struct vcc_sample_args* in = args;
  int32_t sum = in->a + in->b;
  memcpy(ret, &sum, sizeof sum);
  char* text = buffers[VCC_SAMPLE_TEXT];
  for (uint32_t i = 0; i < in->text_len; ++i) {
    text[i] = (char)toupper((unsigned char)text[i]);
  }
  int32_t c;
  memcpy(&c, buffers[VCC_SAMPLE_C], sizeof c);
  int64_t product = (int64_t)in->a * in->b * c;
  int64_t old;
  memcpy(&old, buffers[VCC_SAMPLE_PRODUCT], sizeof old);
  int ok = old == 0 && aligned(args);
  for (int i = 0; i < VCC_SAMPLE_BUFFERS; ++i) ok = ok && aligned(buffers[i]);
  if (!ok) product = -1;
  memcpy(buffers[VCC_SAMPLE_PRODUCT], &product, sizeof product);
  printf("sum=%d\n", sum);
}
