/*
 * The part of the guest runtime API (guest/runtime/wasp.h) that native
 * builds of guest apps get from the host, in a form both C and C++ compile:
 * wasp.h itself does not compile as C++ (its string declarations clash with
 * <cstring>). native_api_check.c includes both, so a signature that drifts
 * from wasp.h breaks the build.
 */
#ifndef WASP_NET_NATIVE_NATIVE_API_H_
#define WASP_NET_NATIVE_NATIVE_API_H_

#ifdef __cplusplus
#include <cstdarg>
#include <cstddef>
#include <cstdint>
extern "C" {
#else
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#endif

struct wasp_call_area;

long wasp_write(const void* buf, size_t len);
long wasp_puts(const char* s);
long wasp_get_arg(void* buf, size_t cap);
long wasp_set_result(const void* buf, size_t len);
long wasp_get_config(void* buf, size_t cap);
long wasp_recv(void* buf, size_t cap);
long wasp_send(const void* buf, size_t len);
long wasp_send_recv(const void* out, size_t out_len, void* in, size_t in_cap);
__attribute__((noreturn)) void wasp_send_close(const void* buf, size_t len);
long wasp_snapshot(void);
long wasp_snapshot_call_area(struct wasp_call_area* area);
__attribute__((noreturn)) void wasp_exit(int code);
uintptr_t wasp_stack_top(void);

/* From guest/runtime/format.c, compiled for the host. */
int wasp_snprintf(char* buf, size_t n, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
int wasp_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int wasp_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int wasp_vprintf(const char* fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

void* wasp_malloc(size_t size) __attribute__((malloc));
void wasp_free(void* ptr);
void* wasp_calloc(size_t count, size_t size) __attribute__((malloc));
void* wasp_realloc(void* ptr, size_t size);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif /* WASP_NET_NATIVE_NATIVE_API_H_ */
