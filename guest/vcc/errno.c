// errno and its messages. errno lives in .bss, so each call starts with 0:
// the snapshot is taken before the function first runs.
#include "guest/vcc/libc.h"

static int errno_value;

int* __errno_location(void) { return &errno_value; }

int __vcc_fail(int error) {
  errno_value = error;
  return -1;
}

// glibc's wording for the errors this library raises and a few common ones.
static const char* const kMessages[] = {
    [0] = "Success",
    [1] = "Operation not permitted",
    [2] = "No such file or directory",
    [4] = "Interrupted system call",
    [5] = "Input/output error",
    [9] = "Bad file descriptor",
    [11] = "Resource temporarily unavailable",
    [12] = "Cannot allocate memory",
    [13] = "Permission denied",
    [14] = "Bad address",
    [17] = "File exists",
    [22] = "Invalid argument",
    [28] = "No space left on device",
    [32] = "Broken pipe",
    [33] = "Numerical argument out of domain",
    [34] = "Numerical result out of range",
    [38] = "Function not implemented",
    [75] = "Value too large for defined data type",
};

char* strerror(int error) {
  enum { kCount = sizeof kMessages / sizeof kMessages[0] };
  if (error >= 0 && error < kCount && kMessages[error] != NULL) {
    return (char*)kMessages[error];
  }
  static char unknown[32];  // glibc's "Unknown error N", also not reentrant
  wasp_snprintf(unknown, sizeof unknown, "Unknown error %d", error);
  return unknown;
}
