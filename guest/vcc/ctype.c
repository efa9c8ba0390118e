// <ctype.h> in the C locale, as glibc's headers use it: their isdigit(c)
// macro reads (*__ctype_b_loc())[c] and their inline toupper reads
// (*__ctype_toupper_loc())[c], for c in [-128, 255]. The tables are
// constant expressions, so they live in .rodata and cost no work per call.
#include "guest/vcc/libc.h"

// glibc's class bits on a little-endian machine (_ISbit in <ctype.h>).
enum {
  kUpper = 0x100,
  kLower = 0x200,
  kAlpha = 0x400,
  kDigit = 0x800,
  kXdigit = 0x1000,
  kSpace = 0x2000,
  kPrint = 0x4000,
  kGraph = 0x8000,
  kBlank = 0x1,
  kCntrl = 0x2,
  kPunct = 0x4,
  kAlnum = 0x8,
};

#define IN(c, lo, hi) ((c) >= (lo) && (c) <= (hi))
#define UPPER(c) IN(c, 'A', 'Z')
#define LOWER(c) IN(c, 'a', 'z')
#define DIGIT(c) IN(c, '0', '9')
#define ALNUM(c) (UPPER(c) || LOWER(c) || DIGIT(c))
#define GRAPH(c) IN(c, 0x21, 0x7e)
// The class bits of c; bytes 128-255 and negative values have none.
#define CLASS(c)                                                \
  ((UPPER(c) ? kUpper | kAlpha | kAlnum : 0) |                  \
   (LOWER(c) ? kLower | kAlpha | kAlnum : 0) |                  \
   (DIGIT(c) ? kDigit | kXdigit | kAlnum : 0) |                 \
   (IN(c, 'a', 'f') || IN(c, 'A', 'F') ? kXdigit : 0) |         \
   ((c) == ' ' || IN(c, '\t', '\r') ? kSpace : 0) |             \
   ((c) == ' ' || (c) == '\t' ? kBlank : 0) |                   \
   (IN(c, 0, 0x1f) || (c) == 0x7f ? kCntrl : 0) |               \
   (IN(c, 0x20, 0x7e) ? kPrint : 0) | (GRAPH(c) ? kGraph : 0) | \
   (GRAPH(c) && !ALNUM(c) ? kPunct : 0))
#define TO_UPPER(c) (LOWER(c) ? (c) - 'a' + 'A' : (c))
#define TO_LOWER(c) (UPPER(c) ? (c) - 'A' + 'a' : (c))

// 16 entries of F for c, c+1, ..., c+15; 64 of them.
#define ROW(F, c)                                                             \
  F(c), F(c + 1), F(c + 2), F(c + 3), F(c + 4), F(c + 5), F(c + 6), F(c + 7), \
      F(c + 8), F(c + 9), F(c + 10), F(c + 11), F(c + 12), F(c + 13),         \
      F(c + 14), F(c + 15)
#define ROWS64(F, c) ROW(F, c), ROW(F, c + 16), ROW(F, c + 32), ROW(F, c + 48)
// F for every c in [-128, 255].
#define TABLE(F)                                                  \
  {                                                               \
    ROWS64(F, -128), ROWS64(F, -64), ROWS64(F, 0), ROWS64(F, 64), \
        ROWS64(F, 128), ROWS64(F, 192)                            \
  }

static const unsigned short kClasses[384] = TABLE(CLASS);
static const int32_t kUpperCase[384] = TABLE(TO_UPPER);
static const int32_t kLowerCase[384] = TABLE(TO_LOWER);

// glibc hands out pointers to per-thread pointers into the tables.
static const unsigned short* classes = kClasses + 128;
static const int32_t* upper_case = kUpperCase + 128;
static const int32_t* lower_case = kLowerCase + 128;

const unsigned short** __ctype_b_loc(void) { return &classes; }
const int32_t** __ctype_toupper_loc(void) { return &upper_case; }
const int32_t** __ctype_tolower_loc(void) { return &lower_case; }

static int has(int c, int bits) {
  return c >= -128 && c <= 255 && (classes[c] & bits) != 0;
}

int(isalnum)(int c) { return has(c, kAlnum); }
int(isalpha)(int c) { return has(c, kAlpha); }
int(isblank)(int c) { return has(c, kBlank); }
int(iscntrl)(int c) { return has(c, kCntrl); }
int(isdigit)(int c) { return has(c, kDigit); }
int(isgraph)(int c) { return has(c, kGraph); }
int(islower)(int c) { return has(c, kLower); }
int(isprint)(int c) { return has(c, kPrint); }
int(ispunct)(int c) { return has(c, kPunct); }
int(isspace)(int c) { return has(c, kSpace); }
int(isupper)(int c) { return has(c, kUpper); }
int(isxdigit)(int c) { return has(c, kXdigit); }
int(isascii)(int c) { return (c & ~0x7f) == 0; }
int(toupper)(int c) { return c >= -128 && c <= 255 ? upper_case[c] : c; }
int(tolower)(int c) { return c >= -128 && c <= 255 ? lower_case[c] : c; }
