// Every kind of parameter and return value vcc passes, printed: the vcc
// build must print exactly what the native build (same source, keywords
// gone) prints.
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <virtine.h>

struct point {  // coerced to one integer register
  int x, y;
};
struct pair {  // two SSE registers
  double a, b;
};
struct big {  // byval and sret
  long v[6];
  char tag[8];
};

virtine int add(int a, int b) { return a + b; }
virtine long long mul64(long long a, unsigned char b) { return a * b; }
virtine double scale(double x, float f) { return x * f; }
virtine float halve(float x) { return x / 2; }
virtine _Bool is_even(unsigned u) { return (u & 1) == 0; }
virtine void nothing(void) {}
virtine struct point flip(struct point p) {
  struct point q = {p.y, p.x};
  return q;
}
virtine struct pair swap_pair(struct pair p) {
  struct pair q = {p.b, p.a};
  return q;
}
virtine struct big grow(struct big b, long by) {
  for (int i = 0; i < 6; i++) b.v[i] += by * i;
  b.tag[0] = 'G';
  return b;
}
virtine long sum_big(struct big b) {
  long s = 0;
  for (int i = 0; i < 6; i++) s += b.v[i];
  return s;
}

virtine_in(values, n) virtine int32_t sum(const int32_t *values, size_t n) {
  int32_t s = 0;
  for (size_t i = 0; i < n; i++) s += values[i];
  return s;
}
virtine_out(out, n) virtine void iota(uint16_t *out, int n, uint16_t from) {
  for (int i = 0; i < n; i++) out[i] = from + i;
}
virtine_inout(text, len) virtine void upcase(char *text, size_t len) {
  for (size_t i = 0; i < len; i++) text[i] = toupper((unsigned char)text[i]);
}
virtine_str(s) virtine size_t length(const char *s) { return strlen(s); }
virtine_in(raw, 16) virtine uint8_t checksum(const void *raw) {
  const uint8_t *p = raw;
  uint8_t x = 0;
  for (int i = 0; i < 16; i++) x ^= p[i];
  return x;
}
virtine void move(struct point *p, int dx) { p->x += dx; }
virtine int describe(int n) {
  char text[64];
  snprintf(text, sizeof text, "n=%d hex=%x %.3f", n, n, n / 8.0);
  return (int)strlen(text) + printf("describe: %s\n", text);
}
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
virtine int fib_virtine(int n) { return fib(n); }
virtine int twice_square(int x) { return add(x * x, x * x); }

int main(void) {
  printf("add %d\n", add(40, 2));
  printf("mul64 %lld\n", mul64(1LL << 40, 200));
  printf("scale %.6f\n", scale(1.5, 0.25f));
  printf("halve %.3f\n", halve(5.0f));
  printf("is_even %d %d\n", is_even(4), is_even(7));
  nothing();
  struct point p = flip((struct point){1, -2});
  printf("flip %d %d\n", p.x, p.y);
  struct pair q = swap_pair((struct pair){0.5, 8.25});
  printf("swap_pair %.2f %.2f\n", q.a, q.b);
  struct big b = {{1, 2, 3, 4, 5, 6}, "big"};
  struct big g = grow(b, 10);
  printf("grow %ld %ld %ld %s; caller's %ld %s\n", g.v[0], g.v[1], g.v[5],
         g.tag, b.v[5], b.tag);
  printf("sum_big %ld\n", sum_big(b));
  int32_t values[100];
  for (int i = 0; i < 100; i++) values[i] = i * 3;
  printf("sum %d\n", sum(values, 100));
  uint16_t out[10] = {0};
  iota(out, 10, 500);
  printf("iota %u %u\n", out[0], out[9]);
  char text[] = "virtines, one per call";
  upcase(text, strlen(text));
  printf("upcase %s\n", text);
  printf("length %zu\n", length("hello, world"));
  uint8_t raw[16];
  for (int i = 0; i < 16; i++) raw[i] = (uint8_t)(i * 37);
  printf("checksum %u\n", checksum(raw));
  struct point m = {10, 20};
  move(&m, 5);
  printf("move %d %d\n", m.x, m.y);
  printf("describe %d\n", describe(42));
  printf("fib %d\n", fib_virtine(20));
  printf("twice_square %d\n", twice_square(7));
  return 0;
}
