// A small <math.h>: the functions that need no approximation. Each is exact
// (correctly rounded), as glibc's are. Rounding works on integers below
// 2^52, above which every double is an integer already.
#include "guest/vcc/libc.h"

static uint64_t bits_of(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

static double from_bits(uint64_t bits) {
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

#define SIGN_BIT (1ull << 63)

double fabs(double x) { return from_bits(bits_of(x) & ~SIGN_BIT); }

double copysign(double x, double y) {
  return from_bits((bits_of(x) & ~SIGN_BIT) | (bits_of(y) & SIGN_BIT));
}

// Integral already: |x| >= 2^52, infinite or NaN.
static int is_integral(double x) { return !(fabs(x) < 0x1p52); }

double trunc(double x) {
  if (is_integral(x)) return x;
  return copysign((double)(int64_t)x, x);  // keeps -0.0 for (-1, 0]
}

double floor(double x) {
  double t = trunc(x);
  return t > x ? t - 1 : t;
}

double ceil(double x) {
  double t = trunc(x);
  return t < x ? t + 1 : t;
}

double round(double x) {
  double t = trunc(x);
  // x - t is exact: both lie in the same binade or t is 0.
  return fabs(x - t) >= 0.5 ? t + copysign(1.0, x) : t;
}

double sqrt(double x) {
  if (x < 0) __vcc_fail(VCC_EDOM);
  double root;
  __asm__("sqrtsd %1, %0" : "=x"(root) : "x"(x));
  return root;
}

float sqrtf(float x) {
  if (x < 0) __vcc_fail(VCC_EDOM);
  float root;
  __asm__("sqrtss %1, %0" : "=x"(root) : "x"(x));
  return root;
}

// x87's fprem computes the exact remainder, a few bits of quotient at a
// time; C2 says whether it has finished.
double fmod(double x, double y) {
  if (y == 0 || (x - x) != (x - x)) {  // y zero, x infinite or NaN
    if (y == y && x == x) __vcc_fail(VCC_EDOM);
    return (x * y) / (x * y);
  }
  long double r = x;
  __asm__(
      "1: fprem\n\t"
      "fnstsw %%ax\n\t"
      "testb $4, %%ah\n\t"
      "jnz 1b"
      : "+t"(r)
      : "u"((long double)y)
      : "ax", "cc");
  return (double)r;
}

// As glibc: x if x <= y (so fmin(-0.0, 0.0) is -0.0 and fmin(0.0, -0.0)
// is 0.0), and a NaN loses to a number.
double fmin(double x, double y) {
  if (x <= y) return x;
  if (x > y) return y;
  return y != y ? x : y;
}

double fmax(double x, double y) {
  if (x >= y) return x;
  if (x < y) return y;
  return y != y ? x : y;
}

// float versions: a float converts to double exactly, and these results
// convert back exactly.
float fabsf(float x) { return (float)fabs(x); }
float copysignf(float x, float y) { return (float)copysign(x, y); }
float truncf(float x) { return (float)trunc(x); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
float roundf(float x) { return (float)round(x); }
float fmodf(float x, float y) { return (float)fmod(x, y); }
float fminf(float x, float y) { return (float)fmin(x, y); }
float fmaxf(float x, float y) { return (float)fmax(x, y); }
