// A stand-in for vcc's guest side (guest/vcc/vcc_main.c) in runtime_test:
// unpacks a call as guest/abi/vcc_call.h describes, runs the operation its
// argument struct names, and returns the value and the out buffers.
#include "guest/abi/vcc_call.h"
#include "guest/runtime/wasp.h"

// The test's argument struct and operations (runtime_test.cc has twins).
struct test_args {
  int32_t op, a, b;
};
enum {
  kAdd,          // a + b
  kUpper,        // uppercases buffer 0 in place; returns its length
  kPlusOne,      // buffer 1[i] = buffer 0[i] + 1; returns the sum of buffer 0
  kStringUpper,  // buffer 1 = buffer 0 (a string) uppercased; returns strlen
  kFault,        // writes to the null page
  kPrint,        // prints "virtine says <a>"
  kLongResult,   // returns one byte too many
  kSpin,         // never returns
  kExit,         // exits with code a
};

static struct wasp_call_area area __attribute__((aligned(4096)));

static void upper(uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (p[i] >= 'a' && p[i] <= 'z') p[i] -= 'a' - 'A';
  }
}

int main(void) {
  wasp_snapshot_call_area(&area);
  const uint32_t len = area.arg_len;
  struct wasp_vcc_header h;
  if (len < sizeof h) return 10;
  memcpy(&h, area.arg, sizeof h);
  if (h.magic != WASP_VCC_MAGIC || h.buffer_count > WASP_VCC_MAX_BUFFERS ||
      sizeof h + h.buffer_count * sizeof(struct wasp_vcc_buffer) > len) {
    return 11;
  }
  uint8_t* buf[WASP_VCC_MAX_BUFFERS];
  struct wasp_vcc_buffer table[WASP_VCC_MAX_BUFFERS];
  for (uint32_t i = 0; i < h.buffer_count; ++i) {
    memcpy(&table[i], area.arg + sizeof h + i * sizeof table[i],
           sizeof table[i]);
    if (table[i].offset > len || table[i].length > len - table[i].offset ||
        table[i].offset % WASP_VCC_ALIGN != 0) {
      return 12;
    }
    buf[i] = area.arg + table[i].offset;
  }
  struct test_args a;
  if (h.args_length != sizeof a || h.args_offset > len ||
      len - h.args_offset < sizeof a || h.return_length > 8) {
    return 13;
  }
  memcpy(&a, area.arg + h.args_offset, sizeof a);

  int64_t value = 0;
  uint32_t extra = 0;
  switch (a.op) {
    case kAdd:
      value = (int64_t)a.a + a.b;
      break;
    case kUpper:
      upper(buf[0], table[0].length);
      value = table[0].length;
      break;
    case kPlusOne:
      if (table[1].length < table[0].length) return 14;
      for (uint32_t i = 0; i < table[0].length; ++i) {
        value += buf[0][i];
        buf[1][i] = buf[0][i] + 1;
      }
      break;
    case kStringUpper:
      value = (int64_t)strnlen((const char*)buf[0], table[0].length);
      if (table[1].length < value) return 14;
      memcpy(buf[1], buf[0], value);
      upper(buf[1], value);
      break;
    case kFault:
      *(volatile int*)0x10 = 1;
      break;
    case kPrint:
      wasp_printf("virtine says %d\n", a.a);
      break;
    case kLongResult:
      extra = 1;
      break;
    case kSpin:
      for (volatile int spin = 0;; ++spin) {
      }
    case kExit:
      return a.a;
    default:
      return 15;
  }

  uint32_t n = h.return_length;
  memcpy(area.result, &value, n);
  for (uint32_t i = 0; i < h.buffer_count; ++i) {
    if (!(table[i].direction & WASP_VCC_OUT)) continue;
    if (table[i].length > WASP_CALL_RESULT_MAX - n) return 16;
    memcpy(area.result + n, buf[i], table[i].length);
    n += table[i].length;
  }
  area.result_len = n + extra;
  return 0;
}
