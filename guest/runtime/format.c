// A printf subset (see wasp.h) over a sink that either fills a caller's
// buffer (snprintf) or batches console writes (printf). Floating point is
// converted exactly (a decimal bignum), so its digits are glibc's.
#include "guest/runtime/wasp.h"

struct sink {
  char* buf;
  size_t cap;    // bytes buf holds
  size_t used;   // bytes in buf
  size_t total;  // bytes formatted, including those that did not fit
  // Empties buf when full; NULL drops what does not fit (snprintf).
  void (*flush)(struct sink*);
  long error;  // the first failed write, for printf
};

struct spec {
  int left;   // '-'
  int alt;    // '#'
  char sign;  // '+', ' ' or 0: what a non-negative number starts with
  char pad;   // ' ' or '0'
  int width;
  int precision;  // -1: none
  int length;     // 'H' hh, 'h', 0 int, 'l' long and wider, 'L' long double
};

static void put(struct sink* s, char c) {
  ++s->total;
  if (s->used == s->cap) {
    if (s->flush == NULL) return;
    s->flush(s);
  }
  if (s->used < s->cap) s->buf[s->used++] = c;
}

static void put_repeated(struct sink* s, char c, long count) {
  for (long i = 0; i < count; ++i) put(s, c);
}

static void put_string(struct sink* s, const char* str) {
  for (; *str != '\0'; ++str) put(s, *str);
}

// Starts a field of body_len characters after prefix (a sign or "0x") and
// `zeros` zeros: the padding before it. Returns the spaces that follow it.
static long begin_field(struct sink* s, const struct spec* spec,
                        const char* prefix, long zeros, long body_len) {
  long fill = spec->width - (long)strlen(prefix) - zeros - body_len;
  if (fill < 0) fill = 0;
  if (!spec->left && spec->pad == ' ') put_repeated(s, ' ', fill);
  put_string(s, prefix);
  if (!spec->left && spec->pad == '0') zeros += fill;
  put_repeated(s, '0', zeros);
  return spec->left ? fill : 0;
}

static void put_field(struct sink* s, const struct spec* spec,
                      const char* prefix, long zeros, const char* body,
                      long body_len) {
  long after = begin_field(s, spec, prefix, zeros, body_len);
  for (long i = 0; i < body_len; ++i) put(s, body[i]);
  put_repeated(s, ' ', after);
}

static const char* sign_prefix(const struct spec* spec, int negative) {
  if (negative) return "-";
  if (spec->sign == '+') return "+";
  return spec->sign == ' ' ? " " : "";
}

static void put_integer(struct sink* s, const struct spec* spec,
                        const char* prefix, uint64_t value, unsigned base,
                        int upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char text[24];  // 2^64 has 22 octal digits
  int pos = sizeof text;
  if (value != 0 || spec->precision != 0) {  // "%.0d" of 0 prints nothing
    do {
      text[--pos] = digits[value % base];
      value /= base;
    } while (value != 0);
  }
  int len = (int)sizeof text - pos;
  long zeros = spec->precision > len ? spec->precision - len : 0;
  // '#' makes octal start with 0.
  if (base == 8 && spec->alt && zeros == 0 && (len == 0 || text[pos] != '0'))
    zeros = 1;
  struct spec field = *spec;
  if (spec->precision >= 0) field.pad = ' ';  // a precision overrides '0'
  put_field(s, &field, prefix, zeros, text + pos, len);
}

// The exact decimal expansion of a finite double's magnitude:
// 0.d1d2...dlen * 10^point, without leading or trailing zeros.
enum { kDecimalDigits = 800, kLimbs = 90 };  // 2^53 * 5^1074 < 10^767
struct decimal {
  char digits[kDecimalDigits];
  int len;    // 0 for zero
  int point;  // digits before the decimal point; may be < 0 or > len
};

#define LIMB_BASE 1000000000u

// limb[0, n) *= factor, in base 10^9, least significant first; returns n.
static int scale(uint32_t* limb, int n, uint32_t factor) {
  uint64_t carry = 0;
  for (int i = 0; i < n; ++i) {
    uint64_t x = (uint64_t)limb[i] * factor + carry;  // < 2^61
    limb[i] = (uint32_t)(x % LIMB_BASE);
    carry = x / LIMB_BASE;
  }
  for (; carry != 0; carry /= LIMB_BASE) limb[n++] = carry % LIMB_BASE;
  return n;
}

static void put_limb(struct decimal* d, uint32_t limb, int width) {
  char text[9];
  int pos = 9;
  for (; limb != 0 || 9 - pos < width; limb /= 10)
    text[--pos] = '0' + limb % 10;
  for (; pos < 9; ++pos) d->digits[d->len++] = text[pos];
}

static void strip_zeros(struct decimal* d) {
  while (d->len > 0 && d->digits[d->len - 1] == '0') --d->len;
  if (d->len == 0) d->point = 0;
}

// value = mantissa * 2^exponent = mantissa * 5^-exponent * 10^exponent.
static void to_decimal(uint64_t bits, struct decimal* d) {
  static const uint32_t kPow5[] = {
      1,     5,      25,      125,     625,      3125,      15625,
      78125, 390625, 1953125, 9765625, 48828125, 244140625, 1220703125};
  int biased = (int)(bits >> 52) & 0x7ff;
  uint64_t mantissa = bits & ((1ull << 52) - 1);
  int exponent = biased == 0 ? -1074 : biased - 1075;
  if (biased != 0) mantissa |= 1ull << 52;
  d->len = 0;
  d->point = 0;
  if (mantissa == 0) return;
  for (; (mantissa & 1) == 0; mantissa >>= 1) ++exponent;
  uint32_t limb[kLimbs];
  int n = 0;
  for (; mantissa != 0; mantissa /= LIMB_BASE) limb[n++] = mantissa % LIMB_BASE;
  for (int e = exponent; e > 0; e -= 29)
    n = scale(limb, n, 1u << (e < 29 ? e : 29));
  for (int e = -exponent; e > 0; e -= 13)
    n = scale(limb, n, kPow5[e < 13 ? e : 13]);
  put_limb(d, limb[n - 1], 1);
  for (int i = n - 2; i >= 0; --i) put_limb(d, limb[i], 9);
  d->point = d->len + (exponent < 0 ? exponent : 0);
  strip_zeros(d);
}

// Keeps the first `keep` digits, rounded to nearest with ties to even, as
// glibc does in the default rounding mode.
static void round_decimal(struct decimal* d, int keep) {
  if (keep >= d->len) return;
  int up = 0;
  if (keep >= 0) {
    char next = d->digits[keep];
    int odd = keep > 0 && (d->digits[keep - 1] - '0') % 2 == 1;
    // No trailing zeros: any digit after a 5 makes it more than half.
    up = next > '5' || (next == '5' && (keep + 1 < d->len || odd));
  }
  d->len = keep < 0 ? 0 : keep;
  if (up) {
    while (d->len > 0 && d->digits[d->len - 1] == '9') --d->len;
    if (d->len == 0) {  // 9...9 + 1 (or 0.5.. + 0.5): one more digit
      d->digits[d->len++] = '0';
      ++d->point;
    }
    ++d->digits[d->len - 1];
  }
  strip_zeros(d);
}

// A finite number ready to print: digits (decimal, or hex for %a) and how.
struct fp {
  struct decimal d;
  char style;     // 'f', 'e' or 'a'
  int precision;  // digits after the point
  int alt;        // '#': a point even without digits after it
  int upper;
  int lead;      // %a: the digit before the point
  int exponent;  // %e, %a
};

static char digit_at(const struct decimal* d, long i) {
  return i >= 0 && i < d->len ? d->digits[i] : '0';
}

static void put_exponent(struct sink* s, char letter, int exponent, int min) {
  char text[8];
  int pos = sizeof text;
  unsigned magnitude = exponent < 0 ? -exponent : exponent;
  do {
    text[--pos] = '0' + magnitude % 10;
    magnitude /= 10;
  } while (magnitude != 0 || (int)sizeof text - pos < min);
  put(s, letter);
  put(s, exponent < 0 ? '-' : '+');
  for (; pos < (int)sizeof text; ++pos) put(s, text[pos]);
}

static void put_fp_body(struct sink* s, const struct fp* fp) {
  const struct decimal* d = &fp->d;
  long first = 0;  // the index of the first digit after the point
  if (fp->style == 'f') {
    if (d->point <= 0) put(s, '0');
    for (long i = 0; i < d->point; ++i) put(s, digit_at(d, i));
    first = d->point;
  } else {
    put(s, fp->style == 'a' ? "0123456789"[fp->lead] : digit_at(d, 0));
    first = fp->style == 'a' ? 0 : 1;
  }
  if (fp->precision > 0 || fp->alt) put(s, '.');
  for (long i = 0; i < fp->precision; ++i) {
    char c = digit_at(d, first + i);
    put(s, fp->upper && c >= 'a' ? c - 'a' + 'A' : c);
  }
  if (fp->style == 'e') put_exponent(s, fp->upper ? 'E' : 'e', fp->exponent, 2);
  if (fp->style == 'a') put_exponent(s, fp->upper ? 'P' : 'p', fp->exponent, 1);
}

// %f %e %g of the digits in fp->d, with the spec's precision.
static void prepare_decimal(struct fp* fp, char conv, int precision) {
  struct decimal* d = &fp->d;
  if (precision < 0) precision = 6;
  if (conv == 'f') {
    round_decimal(d, d->point + precision);
    fp->style = 'f';
  } else if (conv == 'e') {
    round_decimal(d, precision + 1);
    fp->style = 'e';
  } else {  // 'g': %e's exponent picks the style, then zeros go
    int p = precision == 0 ? 1 : precision;
    int carried_into_e = d->len != 0 && d->point == p;  // 99.9 at p = 2
    round_decimal(d, p);
    int x = d->len == 0 ? 0 : d->point - 1;
    fp->style = x < p && x >= -4 ? 'f' : 'e';
    precision = fp->style == 'f' ? p - 1 - x : p - 1;
    // glibc's quirk: "%#.3g" of 999.9 is "1.e+03", not "1.00e+03".
    if (fp->alt && fp->style == 'e' && carried_into_e && x == p) precision = 0;
    int needed = fp->style == 'f' ? d->len - d->point : d->len - 1;
    if (!fp->alt && precision > needed) precision = needed < 0 ? 0 : needed;
  }
  fp->precision = precision;
  fp->exponent = d->len == 0 ? 0 : d->point - 1;
}

// %a: 1.hhh...p+e (0.hhh...p-1022 below the normal range), hex digits in
// fp->d; a precision rounds to nearest, ties to even, as glibc does.
static void prepare_hex(struct fp* fp, uint64_t bits, int precision) {
  int biased = (int)(bits >> 52) & 0x7ff;
  uint64_t mantissa = bits & ((1ull << 52) - 1);
  fp->style = 'a';
  fp->lead = biased != 0;
  fp->exponent = biased == 0 ? (mantissa == 0 ? 0 : -1022) : biased - 1023;
  int digits = 13;  // 52 bits
  if (precision >= 0 && precision < digits) {
    int shift = 4 * (digits - precision);
    uint64_t rest = mantissa & ((1ull << shift) - 1),
             half = 1ull << (shift - 1);
    mantissa >>= shift;
    int odd = precision > 0 ? (int)(mantissa & 1) : fp->lead;
    if (rest > half || (rest == half && odd)) ++mantissa;
    digits = precision;
    if (mantissa >> (4 * digits) != 0) {  // carried into the lead digit
      ++fp->lead;
      mantissa &= (1ull << (4 * digits)) - 1;
    }
  }
  fp->d.len = 0;
  for (int i = digits - 1; i >= 0; --i) {
    fp->d.digits[fp->d.len++] = "0123456789abcdef"[(mantissa >> (4 * i)) & 15];
  }
  while (fp->d.len > 0 && fp->d.digits[fp->d.len - 1] == '0') --fp->d.len;
  fp->precision = precision >= 0 ? precision : fp->d.len;
}

static void put_float(struct sink* s, const struct spec* spec, char conv,
                      double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  char lower = conv | 0x20;
  int upper = conv != lower;
  char prefix[4] = {0};  // the sign, then "0x" for %a
  int prefix_len = 0;
  const char* sign = sign_prefix(spec, (int)(bits >> 63));
  if (*sign != '\0') prefix[prefix_len++] = *sign;
  if (((bits >> 52) & 0x7ff) == 0x7ff) {  // inf and nan: never zero-padded
    struct spec field = *spec;
    field.pad = ' ';
    const char* text =
        (bits << 12) != 0 ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    put_field(s, &field, prefix, 0, text, 3);
    return;
  }
  struct fp fp = {.alt = spec->alt, .upper = upper};
  if (lower == 'a') {
    prefix[prefix_len++] = '0';
    prefix[prefix_len++] = upper ? 'X' : 'x';
    prepare_hex(&fp, bits, spec->precision);
  } else {
    to_decimal(bits & ~(1ull << 63), &fp.d);
    prepare_decimal(&fp, lower, spec->precision);
  }
  struct sink counter = {.cap = 0};  // drops everything, counts it
  put_fp_body(&counter, &fp);
  long after = begin_field(s, spec, prefix, 0, (long)counter.total);
  put_fp_body(s, &fp);
  put_repeated(s, ' ', after);
}

static int64_t signed_arg(const struct spec* spec, va_list* ap) {
  if (spec->length == 'l' || spec->length == 'L') return va_arg(*ap, long);
  int value = va_arg(*ap, int);
  if (spec->length == 'H') return (signed char)value;
  if (spec->length == 'h') return (short)value;
  return value;
}

static uint64_t unsigned_arg(const struct spec* spec, va_list* ap) {
  if (spec->length == 'l' || spec->length == 'L') {
    return va_arg(*ap, unsigned long);
  }
  unsigned value = va_arg(*ap, unsigned);
  if (spec->length == 'H') return (unsigned char)value;
  if (spec->length == 'h') return (unsigned short)value;
  return value;
}

// A width or precision: digits or '*'; advances *fmt.
static int parse_count(const char** fmt, va_list* ap) {
  if (**fmt == '*') {
    ++*fmt;
    return va_arg(*ap, int);
  }
  int n = 0;
  for (; **fmt >= '0' && **fmt <= '9'; ++*fmt) {
    if (n < INT32_MAX / 10 - 9)
      n = n * 10 + (**fmt - '0');  // stops short of overflow
  }
  return n;
}

static void parse_flags(const char** fmt, struct spec* spec) {
  for (;; ++*fmt) {
    switch (**fmt) {
      case '-':
        spec->left = 1;
        break;
      case '0':
        spec->pad = '0';
        break;
      case '#':
        spec->alt = 1;
        break;
      case '+':
        spec->sign = '+';
        break;
      case ' ':
        if (spec->sign == 0) spec->sign = ' ';  // '+' wins
        break;
      default:
        return;
    }
  }
}

// Parses the part of a conversion between '%' and its letter.
static void parse_spec(const char** fmt, va_list* ap, struct spec* spec) {
  *spec = (struct spec){.pad = ' ', .precision = -1};
  parse_flags(fmt, spec);
  spec->width = parse_count(fmt, ap);
  if (spec->width < 0) {  // a negative '*' width means '-'
    spec->left = 1;
    spec->width = spec->width == INT32_MIN ? INT32_MAX : -spec->width;
  }
  if (**fmt == '.') {
    ++*fmt;
    spec->precision = parse_count(fmt, ap);
    if (spec->precision < 0) spec->precision = -1;  // negative '*': none
  }
  if (spec->left) spec->pad = ' ';
  for (;; ++*fmt) {
    char c = **fmt;
    if (c == 'h') {
      spec->length = spec->length == 'h' ? 'H' : 'h';
    } else if (c == 'l' || c == 'z' || c == 'j' || c == 't' || c == 'q') {
      spec->length = 'l';  // all 64 bits wide here
    } else if (c == 'L') {
      spec->length = 'L';
    } else {
      break;
    }
  }
}

static void put_pointer(struct sink* s, struct spec* spec, void* pointer) {
  if (pointer == NULL) {  // glibc's spelling
    spec->pad = ' ';
    put_field(s, spec, "", 0, "(nil)", 5);
    return;
  }
  const char* prefix = spec->sign == '+'   ? "+0x"
                       : spec->sign == ' ' ? " 0x"
                                           : "0x";
  put_integer(s, spec, prefix, (uintptr_t)pointer, 16, 0);
}

static void put_string_arg(struct sink* s, struct spec* spec, const char* str) {
  if (str == NULL) str = "(null)";
  size_t len =
      spec->precision >= 0 ? strnlen(str, spec->precision) : strlen(str);
  spec->pad = ' ';
  put_field(s, spec, "", 0, str, len > INT32_MAX ? INT32_MAX : (long)len);
}

// %n: the bytes formatted so far, stored at the width the length says.
static void store_count(const struct spec* spec, void* where, size_t count) {
  if (spec->length == 'H') {
    *(signed char*)where = (signed char)count;
  } else if (spec->length == 'h') {
    *(short*)where = (short)count;
  } else if (spec->length == 'l' || spec->length == 'L') {
    *(long*)where = (long)count;
  } else {
    *(int*)where = (int)count;
  }
}

// d i u o x X; returns 0 for any other conversion.
static int convert_integer(struct sink* s, struct spec* spec, char conv,
                           va_list* ap) {
  if (conv == 'd' || conv == 'i') {
    int64_t value = signed_arg(spec, ap);
    uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
    put_integer(s, spec, sign_prefix(spec, value < 0), magnitude, 10, 0);
    return 1;
  }
  if (conv != 'u' && conv != 'o' && conv != 'x' && conv != 'X') return 0;
  uint64_t value = unsigned_arg(spec, ap);
  const char* prefix = "";
  if (spec->alt && value != 0 && conv != 'u' && conv != 'o') {
    prefix = conv == 'x' ? "0x" : "0X";
  }
  unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
  put_integer(s, spec, prefix, value, base, conv == 'X');
  return 1;
}

// Formats one conversion; returns 0 if it is unknown.
static int convert(struct sink* s, struct spec* spec, char conv, va_list* ap) {
  switch (conv) {
    case 'p':
      put_pointer(s, spec, va_arg(*ap, void*));
      return 1;
    case 'c': {
      char c = (char)va_arg(*ap, int);
      spec->pad = ' ';
      put_field(s, spec, "", 0, &c, 1);
      return 1;
    }
    case 's':
      put_string_arg(s, spec, va_arg(*ap, const char*));
      return 1;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A': {
      // Long double is printed with a double's precision.
      double value = spec->length == 'L' ? (double)va_arg(*ap, long double)
                                         : va_arg(*ap, double);
      put_float(s, spec, conv, value);
      return 1;
    }
    case 'n':
      store_count(spec, va_arg(*ap, void*), s->total);
      return 1;
    case '%':
      put(s, '%');
      return 1;
    default:
      return convert_integer(s, spec, conv, ap);
  }
}

static void format(struct sink* s, const char* fmt, va_list* ap) {
  for (; *fmt != '\0'; ++fmt) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    const char* start = fmt++;
    struct spec spec;
    parse_spec(&fmt, ap, &spec);
    if (convert(s, &spec, *fmt, ap)) continue;
    // Unknown or truncated: print it as written.
    for (const char* p = start; p <= fmt && *p != '\0'; ++p) put(s, *p);
    if (*fmt == '\0') return;
  }
}

static int result_length(const struct sink* s) {
  return s->total > INT32_MAX ? INT32_MAX : (int)s->total;
}

int wasp_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap) {
  char empty;
  // One byte is kept for the NUL; with n == 0 nothing is written at all.
  struct sink s = {.buf = n > 0 ? buf : &empty, .cap = n > 0 ? n - 1 : 0};
  va_list args;
  va_copy(args, ap);
  format(&s, fmt, &args);
  va_end(args);
  if (n > 0) buf[s.used] = '\0';
  return result_length(&s);
}

int wasp_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = wasp_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return len;
}

static void flush_to_console(struct sink* s) {
  if (s->used == 0) return;
  long written = wasp_write(s->buf, s->used);
  if (written < 0 && s->error == 0) s->error = written;
  s->used = 0;
}

int wasp_vprintf(const char* fmt, va_list ap) {
  // Batches output: each write is a VM exit.
  char buf[256];
  struct sink s = {.buf = buf, .cap = sizeof buf, .flush = flush_to_console};
  va_list args;
  va_copy(args, ap);
  format(&s, fmt, &args);
  va_end(args);
  flush_to_console(&s);
  return s.error != 0 ? (int)s.error : result_length(&s);
}

int wasp_printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = wasp_vprintf(fmt, ap);
  va_end(ap);
  return len;
}
