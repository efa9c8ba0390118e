// The demo virtine of `wasp demo`: greets through the console hypercall.
#include "guest/runtime/wasp.h"

int main(void) {
  static const char greeting[] =
      "Hello from a virtine: 64-bit code at CPL3 in its own KVM VM.";
  return wasp_puts(greeting) < 0 ? 1 : 0;
}
