/*
 * The host/guest contract of Wasp, compiled by both sides (C and C++,
 * freestanding on the guest).
 *
 * A guest reaches the host with one instruction, `out PORT, al`:
 *   - WASP_PORT_EXIT (0xFA): the virtine is done; exit code in RDI (in real
 *     mode: DI). The upstream 3-byte image `out 0xFA, eax` exits with the
 *     value of RDI, which is 0 at start.
 *   - WASP_PORT_HYPERCALL (0xFF): a hypercall. RAX holds the number, RDI, RSI,
 *     RDX, R10, R8, R9 the arguments (Linux syscall order); the host writes
 *     the result to RAX. Negative results are -errno (WASP_E*).
 *   - WASP_PORT_FAULT (0xFC): used only by the host-installed exception stubs
 *     (ring 0); AL holds the exception vector. Guests never use it.
 * Any other port is a fault of the virtine.
 *
 * Guest-physical layout of a long-mode virtine (identity mapped):
 *   [0x0000, 0x1000)  not present: null dereferences fault.
 *   [0x1000, 0x7000)  system area, supervisor-only: GDT, TSS, IDT, exception
 *                     stubs, page tables, the exception stack.
 *   [0x7000, 0x8000)  the restore page, read-only at CPL3: the host's
 *                     trampoline that reloads a snapshot's segment and
 *                     FPU/SSE state before resuming it.
 *   [0x8000, mem)     the image (default load address), data, heap, stack.
 *   [mem, 1 GiB)      mapped but backed by nothing: an access is reported as
 *                     "outside memory" with its address.
 * The guest starts at CPL3 (IOPL 0; the TSS I/O bitmap opens ports 0-0xFF
 * to it), RIP = entry, RSP = the top of memory
 * (so RSP is the memory size), all other registers 0, interrupts disabled.
 * SSE is enabled; W^X holds for images with a read-only part: their code is
 * read-only and everything else is not executable.
 */
#ifndef WASP_GUEST_ABI_HYPERCALL_H_
#define WASP_GUEST_ABI_HYPERCALL_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define WASP_PORT_EXIT 0xFA
#define WASP_PORT_FAULT 0xFC
#define WASP_PORT_HYPERCALL 0xFF

#define WASP_DEFAULT_LOAD_ADDRESS 0x8000ull
#define WASP_SYSTEM_AREA_START 0x1000ull
#define WASP_SYSTEM_AREA_END 0x8000ull
/* Long-mode virtines map one page directory of 2 MiB pages. */
#define WASP_MAX_LONG_MODE_MEMORY (1ull << 30)

#define WASP_RESTORE_PAGE 0x7000ull

/* Hypercall numbers. Numbers are never reused. */
#define WASP_HC_WRITE 1   /* (const void *buf, size_t len) -> bytes written */
#define WASP_HC_GET_ARG 2 /* (void *buf, size_t cap) -> argument length */
#define WASP_HC_SET_RESULT 3 /* (const void *buf, size_t len) -> 0 */
#define WASP_HC_SNAPSHOT                                           \
  4 /* (struct wasp_call_area *area,                               \
        struct wasp_request_area *requests) -> 0; either may be 0; \
        -WASP_EPERM once the virtine has a snapshot */
/* Sockets: a network virtine serves one connection (see below). */
#define WASP_HC_RECV 5 /* (void *buf, size_t cap) -> bytes; 0: peer closed */
#define WASP_HC_SEND 6 /* (const void *buf, size_t len) -> len, all sent */
#define WASP_HC_SEND_RECV                \
  7 /* (const void *out, size_t out_len, \
        void *in, size_t in_cap) -> bytes received */
#define WASP_HC_GET_CONFIG                     \
  8 /* (void *buf, size_t cap) -> config size; \
        copies min(cap, size) bytes */
#define WASP_HC_SEND_CLOSE                                            \
  9 /* (const void *buf, size_t len): sends all of buf, then ends the \
       connection; the virtine is not resumed (only a bad buffer gets \
       -WASP_EFAULT) */

/*
 * Host files: what a vcc function marked virtine_whitelist(VIRTINE_ALLOW_*)
 * may do to the host's files (tools/vcc/host_files.h has the rules). `fd` is
 * a host descriptor the call was given or opened itself, else -EBADF;
 * flags, modes and whence are Linux x86-64's; paths are NUL-terminated
 * within guest memory and shorter than WASP_PATH_MAX. Results are >= 0 or a
 * negative Linux errno (not only the WASP_E* below).
 */
#define WASP_HC_HOST_OPEN 10         /* (path, int flags, int mode) -> fd */
#define WASP_HC_HOST_READ 11         /* (fd, void *buf, size_t n) -> bytes */
#define WASP_HC_HOST_WRITE 12        /* (fd, const void *buf, n) -> bytes */
#define WASP_HC_HOST_CLOSE 13        /* (fd) -> 0 */
#define WASP_HC_HOST_FSTAT 14        /* (fd, struct wasp_stat *st) -> 0 */
#define WASP_HC_HOST_LSEEK 15        /* (fd, int64 offset, whence) -> offset */
#define WASP_HC_HOST_ISATTY 16       /* (fd) -> 1; -ENOTTY: not a terminal */
#define WASP_HC_HOST_GETTIMEOFDAY 17 /* (struct wasp_timeval *tv) -> 0 */
#define WASP_HC_HOST_UNLINK 18       /* (path) -> 0 */
#define WASP_HC_HOST_LINK 19         /* (old path, new path) -> 0 */

#define WASP_HC_MAX 63 /* allowlists are 64-bit masks */

#define WASP_PATH_MAX 4096 /* Linux's PATH_MAX, with the NUL */

/* Linux x86-64's struct stat, which is glibc's on x86-64: guest code built
 * against glibc's headers reads it as its own struct stat. */
struct wasp_stat {
  uint64_t dev;
  uint64_t ino;
  uint64_t nlink;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  uint32_t pad0;
  uint64_t rdev;
  int64_t size;
  int64_t blksize;
  int64_t blocks;
  int64_t atime_sec;
  int64_t atime_nsec;
  int64_t mtime_sec;
  int64_t mtime_nsec;
  int64_t ctime_sec;
  int64_t ctime_nsec;
  int64_t reserved[3];
};

/* struct timeval on x86-64. */
struct wasp_timeval {
  int64_t sec;
  int64_t usec;
};

/*
 * Calls. A guest that has initialised itself calls WASP_HC_SNAPSHOT with the
 * address of its call area (or 0). The host captures the whole virtine there;
 * every later call restores that state and resumes right after the
 * hypercall, RAX = 0, with the call's argument already in the area. The guest
 * writes its result to the area and exits through WASP_PORT_EXIT: a call
 * costs one exit. WASP_HC_GET_ARG/SET_RESULT copy the same bytes for guests
 * without a call area.
 */
#define WASP_CALL_ARG_MAX 2040
#define WASP_CALL_RESULT_MAX 2048

struct wasp_call_area {
  uint32_t arg_len;    /* written by the host before each call */
  uint32_t result_len; /* written by the guest; at most WASP_CALL_RESULT_MAX */
  uint8_t arg[WASP_CALL_ARG_MAX];
  uint8_t result[WASP_CALL_RESULT_MAX];
};

#ifdef __cplusplus
static_assert(sizeof(struct wasp_call_area) == 4096, "one page");
static_assert(offsetof(struct wasp_call_area, arg) == 8, "ABI");
static_assert(offsetof(struct wasp_call_area, result) == 2048, "ABI");
static_assert(sizeof(struct wasp_stat) == 144, "glibc x86-64");
static_assert(offsetof(struct wasp_stat, mode) == 24, "glibc x86-64");
static_assert(offsetof(struct wasp_stat, size) == 48, "glibc x86-64");
static_assert(offsetof(struct wasp_stat, mtime_sec) == 88, "glibc x86-64");
static_assert(sizeof(struct wasp_timeval) == 16, "x86-64");
#else
_Static_assert(sizeof(struct wasp_call_area) == 4096, "one page");
_Static_assert(offsetof(struct wasp_call_area, arg) == 8, "ABI");
_Static_assert(offsetof(struct wasp_call_area, result) == 2048, "ABI");
_Static_assert(sizeof(struct wasp_stat) == 144, "glibc x86-64");
_Static_assert(offsetof(struct wasp_stat, mode) == 24, "glibc x86-64");
_Static_assert(offsetof(struct wasp_stat, size) == 48, "glibc x86-64");
_Static_assert(offsetof(struct wasp_stat, mtime_sec) == 88, "glibc x86-64");
_Static_assert(sizeof(struct wasp_timeval) == 16, "x86-64");
#endif

/* Errors returned in RAX as negative values. */
#define WASP_EPERM 1         /* not in this virtine's allowlist */
#define WASP_EBADF 9         /* a descriptor the call was not given */
#define WASP_EFAULT 14       /* a buffer leaves guest memory */
#define WASP_EINVAL 22       /* bad argument */
#define WASP_EPIPE 32        /* the peer is gone; nothing more can be sent */
#define WASP_ENAMETOOLONG 36 /* a path of WASP_PATH_MAX bytes or more */
#define WASP_ENOSYS 38       /* no such hypercall */
#define WASP_ECONNRESET 104  /* the peer reset the connection */
#define WASP_ETIMEDOUT 110   /* nothing arrived within the idle timeout */

/*
 * Connections (apps that keep state between requests; stateless ones use
 * the request area below). A network virtine initialises itself
 * (WASP_HC_GET_CONFIG gives it the server's configuration), then calls
 * WASP_HC_SNAPSHOT. Each connection is then one call from that snapshot,
 * made once its client has sent something: the argument is the first bytes
 * the client sent (up to WASP_CALL_ARG_MAX; 0 bytes if the client closed,
 * in which case WASP_HC_RECV says so). The guest serves the connection with
 * RECV, SEND and SEND_RECV (a keep-alive request costs one exit: send the
 * response, receive the next request) and exits to close it, or ends with
 * WASP_HC_SEND_CLOSE (the last response and the close in one exit). While
 * it waits to receive, the host may hibernate it: its memory and registers
 * go to host memory and come back, maybe in another virtine of the pool,
 * before the receive returns; the guest cannot tell. Every buffer is
 * checked against guest memory; data moves directly between the socket and
 * guest memory.
 */

/*
 * Requests. A network app that keeps no state between requests passes a
 * request area to WASP_HC_SNAPSHOT (second argument). A connection then holds
 * no virtine while it waits: when its client has sent enough, any virtine of
 * the pool is restored from the snapshot with the connection's unanswered
 * bytes at `in` (`in_len` of them; `in_flags` says whether the client closed
 * or the request deadline passed) and resumes from the snapshot hypercall.
 * The guest answers the complete requests it finds, fills in the rest of the
 * area and exits (WASP_PORT_EXIT, code 0): a run costs one exit. The host
 * sends the `iov` segments in order, keeps the `in_len - consumed` bytes
 * after the answered ones (the start of the next request) minus `skip` more
 * (a request body to discard, which may extend into bytes still to come),
 * resets the virtine and releases it. Nothing of one run is visible to the
 * next, even on the same connection. The next run starts once the kept
 * bytes number at least `wake_len` and a byte equal to `wake_byte` has
 * arrived since this run (WASP_WAKE_ANY: any byte), or the input is full, or
 * the client closed, or the request deadline passed. A nonzero exit code, a
 * fault or a bad area closes the connection.
 */
#define WASP_REQUEST_IOV_MAX 8
#define WASP_WAKE_ANY 0x100u
/* in_flags */
#define WASP_INPUT_EOF 1u     /* the client sent nothing more and closed */
#define WASP_INPUT_TIMEOUT 2u /* the request deadline passed; nothing more */
#define WASP_INPUT_LOG 4u     /* the host keeps an access log: fill `log` */
/* out_flags */
#define WASP_OUTPUT_CLOSE 1u /* close the connection once `iov` is sent */

struct wasp_iovec {
  uint64_t base; /* guest address */
  uint64_t len;
};

struct wasp_request_area {
  /* Set by the guest before its snapshot. */
  uint64_t in;     /* the input buffer */
  uint32_t in_cap; /* its size */
  /* Set by the host before each run. */
  uint32_t in_len;
  uint32_t in_flags;
  /* Set by the guest before it exits. */
  uint32_t out_flags;
  uint32_t consumed;  /* input bytes answered */
  uint32_t wake_byte; /* 0-255, or WASP_WAKE_ANY */
  uint64_t skip;      /* input bytes after `consumed` to discard */
  uint32_t wake_len;  /* kept bytes needed before the next run */
  uint32_t iov_count; /* at most WASP_REQUEST_IOV_MAX */
  struct wasp_iovec iov[WASP_REQUEST_IOV_MAX];
  /* Access log: one line per answered request, '\n'-terminated, without
   * the client's address and the time, which the host puts in front
   * (e.g. `"GET / HTTP/1.1" 200 612 "-" "curl/8.0"` in the combined
   * format); at most WASP_REQUEST_LOG_MAX bytes; 0 length: none. */
  uint64_t log;
  uint32_t log_len;
  uint32_t reserved; /* 0 */
};
#define WASP_REQUEST_LOG_MAX 65536

#ifdef __cplusplus
static_assert(offsetof(struct wasp_request_area, in_len) == 12, "ABI");
static_assert(offsetof(struct wasp_request_area, skip) == 32, "ABI");
static_assert(offsetof(struct wasp_request_area, iov) == 48, "ABI");
static_assert(offsetof(struct wasp_request_area, log) == 176, "ABI");
static_assert(sizeof(struct wasp_request_area) == 192, "ABI");
#else
_Static_assert(offsetof(struct wasp_request_area, in_len) == 12, "ABI");
_Static_assert(offsetof(struct wasp_request_area, skip) == 32, "ABI");
_Static_assert(offsetof(struct wasp_request_area, iov) == 48, "ABI");
_Static_assert(offsetof(struct wasp_request_area, log) == 176, "ABI");
_Static_assert(sizeof(struct wasp_request_area) == 192, "ABI");
#endif

#endif /* WASP_GUEST_ABI_HYPERCALL_H_ */
