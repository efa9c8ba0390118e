// A printf subset (see wasp.h) over a sink that either fills a caller's
// buffer (snprintf) or batches console writes (printf).
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
  int left;  // '-'
  char pad;  // ' ' or '0'
  int width;
  int precision;  // -1: none
  int length;     // 'H' hh, 'h', 0 int, 'l' long and wider
};

static void put(struct sink* s, char c) {
  ++s->total;
  if (s->used == s->cap) {
    if (s->flush == NULL) return;
    s->flush(s);
  }
  if (s->used < s->cap) s->buf[s->used++] = c;
}

static void put_repeated(struct sink* s, char c, int count) {
  for (int i = 0; i < count; ++i) put(s, c);
}

// Emits prefix (sign or "0x") and body padded to the spec's width.
static void put_padded(struct sink* s, const struct spec* spec,
                       const char* prefix, const char* body, int body_len) {
  int prefix_len = (int)strlen(prefix);
  int fill = spec->width - prefix_len - body_len;
  if (fill < 0) fill = 0;
  if (!spec->left && spec->pad == ' ') put_repeated(s, ' ', fill);
  for (const char* p = prefix; *p != '\0'; ++p) put(s, *p);
  if (!spec->left && spec->pad == '0') put_repeated(s, '0', fill);
  for (int i = 0; i < body_len; ++i) put(s, body[i]);
  if (spec->left) put_repeated(s, ' ', fill);
}

static void put_unsigned(struct sink* s, const struct spec* spec,
                         const char* prefix, uint64_t value, unsigned base,
                         const char* digits) {
  char text[24];  // 2^64 has 20 decimal or 16 hex digits
  int pos = sizeof text;
  do {
    text[--pos] = digits[value % base];
    value /= base;
  } while (value != 0);
  put_padded(s, spec, prefix, text + pos, (int)sizeof text - pos);
}

static int64_t signed_arg(const struct spec* spec, va_list* ap) {
  if (spec->length == 'l') return va_arg(*ap, long);
  int value = va_arg(*ap, int);
  if (spec->length == 'H') return (signed char)value;
  if (spec->length == 'h') return (short)value;
  return value;
}

static uint64_t unsigned_arg(const struct spec* spec, va_list* ap) {
  if (spec->length == 'l') return va_arg(*ap, unsigned long);
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

// Parses the part of a conversion between '%' and its letter.
static void parse_spec(const char** fmt, va_list* ap, struct spec* spec) {
  *spec = (struct spec){.pad = ' ', .precision = -1};
  for (;; ++*fmt) {
    if (**fmt == '-') {
      spec->left = 1;
    } else if (**fmt == '0') {
      spec->pad = '0';
    } else {
      break;
    }
  }
  spec->width = parse_count(fmt, ap);
  if (spec->width < 0) {  // a negative '*' width means '-'
    spec->left = 1;
    spec->width = spec->width == INT32_MIN ? INT32_MAX : -spec->width;
  }
  if (**fmt == '.') {
    ++*fmt;
    spec->precision = parse_count(fmt, ap);
  }
  if (spec->left) spec->pad = ' ';
  for (;; ++*fmt) {
    char c = **fmt;
    if (c == 'h') {
      spec->length = spec->length == 'h' ? 'H' : 'h';
    } else if (c == 'l' || c == 'z' || c == 'j' || c == 't') {
      spec->length = 'l';  // all 64 bits wide here
    } else {
      break;
    }
  }
}

static void format(struct sink* s, const char* fmt, va_list* ap) {
  static const char lower[] = "0123456789abcdef";
  static const char upper[] = "0123456789ABCDEF";
  for (; *fmt != '\0'; ++fmt) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    const char* start = fmt++;
    struct spec spec;
    parse_spec(&fmt, ap, &spec);
    switch (*fmt) {
      case 'd':
      case 'i': {
        int64_t value = signed_arg(&spec, ap);
        uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
        put_unsigned(s, &spec, value < 0 ? "-" : "", magnitude, 10, lower);
        break;
      }
      case 'u':
        put_unsigned(s, &spec, "", unsigned_arg(&spec, ap), 10, lower);
        break;
      case 'x':
      case 'X':
        put_unsigned(s, &spec, "", unsigned_arg(&spec, ap), 16,
                     *fmt == 'x' ? lower : upper);
        break;
      case 'p':
        put_unsigned(s, &spec, "0x", (uintptr_t)va_arg(*ap, void*), 16, lower);
        break;
      case 'c': {
        char c = (char)va_arg(*ap, int);
        spec.pad = ' ';
        put_padded(s, &spec, "", &c, 1);
        break;
      }
      case 's': {
        const char* str = va_arg(*ap, const char*);
        if (str == NULL) str = "(null)";
        size_t len =
            spec.precision >= 0 ? strnlen(str, spec.precision) : strlen(str);
        spec.pad = ' ';
        put_padded(s, &spec, "", str, len > INT32_MAX ? INT32_MAX : (int)len);
        break;
      }
      case '%':
        put(s, '%');
        break;
      default:  // unknown or truncated: print it as written
        for (const char* p = start; p <= fmt && *p != '\0'; ++p) put(s, *p);
        if (*fmt == '\0') return;
        break;
    }
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
