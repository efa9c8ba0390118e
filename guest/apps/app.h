// The entry points of a network app. The same source runs in a virtine
// (around the snapshot) and natively on the host, where the server supplies
// the wasp_* functions and many connections share one process. Hence:
//   - app_init runs once: it reads the configuration and builds read-only
//     tables in globals;
//   - the serving entry point must not write any global: its state lives on
//     its stack (under 32 KiB) or in wasp_malloc'd memory.
// Apps use only the functions of guest/runtime/wasp.h, never libc.
//
// An app is one of two kinds:
//   - request-scoped (HTTP, echo; built with request_main.c): it keeps
//     nothing between requests, so a connection holds no virtine while it
//     waits. app_handle answers the complete requests of one run (see
//     struct wasp_request_area in guest/abi/hypercall.h); its output may
//     live in wasp_malloc'd memory, which the host frees after sending it.
//   - connection-scoped (built with app_main.c): app_serve serves a whole
//     connection with wasp_recv/wasp_send, keeping state in between; a
//     virtine of it hibernates while it waits for the client.
#ifndef WASP_GUEST_APPS_APP_H_
#define WASP_GUEST_APPS_APP_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct wasp_request_area;

// Reads the configuration (wasp_get_config); 0 on success.
int app_init(void);

// Request-scoped apps: the size of the input buffer the host fills.
extern const uint32_t app_input_capacity;
// Answers the complete requests in area->in[0, area->in_len) and fills in
// the rest of the area. 0 on success; nonzero when the app could not (e.g.
// no memory): the connection is closed.
int app_handle(struct wasp_request_area* area);

// Connection-scoped apps: serves the connection whose first bytes
// wasp_get_arg returns; returns (or ends with wasp_send_close) to close it.
// 0 when the connection ended normally, nonzero when the app could not
// serve it.
int app_serve(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // WASP_GUEST_APPS_APP_H_
