/*
 * <virtine.h>: mark a C function `virtine` and, built with vcc, every call of
 * it runs in its own virtine, restored from a snapshot (WASP_NO_SNAPSHOT=1:
 * booted afresh). Without vcc every keyword here vanishes and the same
 * source is its own native baseline.
 *
 *   virtine int square(int x) { return x * x; }
 *
 *   virtine_in(data, n) virtine_out(digest, 32)
 *   virtine void hash(const uint8_t* data, size_t n, uint8_t* digest);
 *
 * Arguments are copied in and the return value out; a virtine sees none of
 * the caller's memory. Pointer parameters:
 *   - to one object of known size (`int *r`, `struct point *p`): that one
 *     object is copied in and back, as upstream Wasp does;
 *   - virtine_in/out/inout(param, count): `count` (another parameter's name,
 *     or a number) objects of the pointee's type (bytes for void *);
 *   - virtine_str(param): a NUL-terminated string, copied in;
 *   - `void *` and `char *` without an annotation are refused: their size is
 *     unknown.
 * Globals: every call sees their initial values; writes are undone when the
 * virtine is reset, and the caller's copies never change.
 * Limits: arguments and buffers together at most ~2 KiB, the return value
 * and out buffers at most 2 KiB (one page of call area, one exit per call).
 */
#ifndef WASP_VIRTINE_H_
#define WASP_VIRTINE_H_

#include <stdint.h>

/* Upstream's host-syscall allowlist bits (virtine_whitelist). */
#define VIRTINE_ALLOW_EXIT (1 << 0)
#define VIRTINE_ALLOW_CLOSE (1 << 1)
#define VIRTINE_ALLOW_FSTAT (1 << 2)
#define VIRTINE_ALLOW_LINK (1 << 3)
#define VIRTINE_ALLOW_LSEEK (1 << 4)
#define VIRTINE_ALLOW_OPEN (1 << 5)
#define VIRTINE_ALLOW_READ (1 << 6)
#define VIRTINE_ALLOW_SBRK (1 << 7)
#define VIRTINE_ALLOW_TIMES (1 << 8)
#define VIRTINE_ALLOW_UNLINK (1 << 9)
#define VIRTINE_ALLOW_WRITE (1 << 10)
#define VIRTINE_ALLOW_GETTIMEOFDAY (1 << 11)
#define VIRTINE_ALLOW_ISATTY (1 << 12)
#define VIRTINE_ALLOW_ALL (~0LLU)
#define VIRTINE_BLOCK_ALL (0LLU)

#if defined(__VCC__)
#define virtine __attribute__((annotate("virtine"), noinline))
/* A virtine whose host syscalls are limited to `mask` (upstream's name). */
#define virtine_whitelist(mask) \
  virtine __attribute__((annotate("virtine_allow", (unsigned long long)(mask))))
#define virtine_strict virtine_whitelist(VIRTINE_BLOCK_ALL)
/* Guest memory of the virtine, in bytes (default 1 MiB). */
#define virtine_memory(bytes) \
  __attribute__((annotate("virtine_memory", (unsigned long long)(bytes))))
#define virtine_in(param, count) \
  __attribute__((annotate("virtine_in", #param, #count)))
#define virtine_out(param, count) \
  __attribute__((annotate("virtine_out", #param, #count)))
#define virtine_inout(param, count) \
  __attribute__((annotate("virtine_inout", #param, #count)))
#define virtine_str(param) __attribute__((annotate("virtine_str", #param, "")))
#else
#define virtine
#define virtine_whitelist(mask)
#define virtine_strict
#define virtine_memory(bytes)
#define virtine_in(param, count)
#define virtine_out(param, count)
#define virtine_inout(param, count)
#define virtine_str(param)
#endif

#endif /* WASP_VIRTINE_H_ */
