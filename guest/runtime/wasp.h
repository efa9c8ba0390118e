// The guest runtime: what a C program running in a virtine links against
// (virtine_image(..., includes_runtime = True)). It provides `_start`, which
// zeroes .bss, sets up the heap and exits with main()'s return value.
//
// Memory of a virtine built with the runtime, from the load address up:
//   code and rodata (read-only), .data, .bss, the heap (from
//   __wasp_image_end up to WASP_STACK_RESERVE below the top of memory), the
//   stack (growing down from the top of memory).
// Nothing guards the stack: a program that recurses deeper than
// WASP_STACK_RESERVE overwrites the heap.
#ifndef WASP_GUEST_RUNTIME_WASP_H_
#define WASP_GUEST_RUNTIME_WASP_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/abi/hypercall.h"

// Bytes between the top of memory and the end of the heap.
#define WASP_STACK_RESERVE (64u * 1024u)

// Hypercalls. Each returns the host's RAX: >= 0 on success, else -WASP_E*.

// Any hypercall, for numbers without a typed wrapper.
static inline long wasp_hypercall6(long nr, long a0, long a1, long a2, long a3,
                                   long a4, long a5) {
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  // The host writes only RAX; "memory" because it may read or write any
  // buffer the arguments point to.
  __asm__ volatile("outb %%al, %[port]"
                   : "+a"(nr)
                   : [port] "i"(WASP_PORT_HYPERCALL), "D"(a0), "S"(a1), "d"(a2),
                     "r"(r10), "r"(r8), "r"(r9)
                   : "memory");
  return nr;
}

// Writes to the host console; returns the number of bytes written.
long wasp_write(const void* buf, size_t len);
// Writes `s` and a newline; returns the number of bytes written.
long wasp_puts(const char* s);
// Copies min(cap, length) bytes of this call's argument to `buf`; returns
// the argument's full length.
long wasp_get_arg(void* buf, size_t cap);
// Hands the call's result to the host; 0, or -WASP_EINVAL if too long.
long wasp_set_result(const void* buf, size_t len);
// Snapshots the virtine; returns 0 now and again on every later call, which
// resumes here with everything as it was.
long wasp_snapshot(void);
// wasp_snapshot with a call area the host fills with each call's argument
// and reads the result from (see guest/abi/hypercall.h).
long wasp_snapshot_call_area(struct wasp_call_area* area);
// Snapshots a request-scoped app with its request area (see
// guest/abi/hypercall.h): returns 0 now and again at the start of every run,
// with that run's input in the area.
long wasp_snapshot_requests(struct wasp_request_area* area);
// Ends the virtine with `code`.
__attribute__((noreturn)) void wasp_exit(int code);

// Connections (a network virtine serves one per call; see
// guest/abi/hypercall.h). Each returns -WASP_E* on failure.
//
// Receives up to `cap` bytes; returns the bytes received, 0 once the peer
// has closed, -WASP_ETIMEDOUT if nothing arrived within the idle timeout.
long wasp_recv(void* buf, size_t cap);
// Sends all `len` bytes; returns len.
long wasp_send(const void* buf, size_t len);
// Sends all of `out`, then receives into `in` as wasp_recv does: a
// request/response exchange in one exit.
long wasp_send_recv(const void* out, size_t out_len, void* in, size_t in_cap);
// Sends all `len` bytes, then ends the connection as wasp_exit(0) does: the
// last response and the close in one exit. Ends with wasp_exit(1) if `buf`
// is not the guest's.
__attribute__((noreturn)) void wasp_send_close(const void* buf, size_t len);
// Copies min(cap, size) bytes of the server's configuration to `buf`;
// returns its full size (so wasp_get_config(NULL, 0) asks for the size).
long wasp_get_config(void* buf, size_t cap);

// The initial RSP: the top of guest memory, which is also its size.
uintptr_t wasp_stack_top(void);

// Strings and memory, as in <string.h>. The compiler emits calls to
// memcpy, memmove, memset and memcmp itself.
void* memcpy(void* restrict dst, const void* restrict src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);

// Formatting, printf as in C99 without wide characters and locales:
// conversions d i u o x X p s c n f F e E g G a A %, length modifiers hh h l
// ll z j t q L, flags '-' '0' '+' ' ' '#', a width and a precision, each a
// number or '*'. Floating point is exact and rounds to nearest, ties to
// even, like glibc; a long double is printed with a double's precision.
// wasp_snprintf always NUL-terminates when n > 0 and returns the length the
// whole output would have; wasp_printf writes to the console and returns
// the bytes formatted, or a negative -WASP_E* if a write failed.
int wasp_snprintf(char* buf, size_t n, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
int wasp_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int wasp_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int wasp_vprintf(const char* fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

// The heap: 16-byte aligned blocks; NULL once the heap is exhausted.
// Freeing a pointer the heap did not hand out faults the virtine.
void* wasp_malloc(size_t size) __attribute__((malloc));
void wasp_free(void* ptr);
void* wasp_calloc(size_t count, size_t size) __attribute__((malloc));
void* wasp_realloc(void* ptr, size_t size);

#endif  // WASP_GUEST_RUNTIME_WASP_H_
