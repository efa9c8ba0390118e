// The two entry points of a network app. The same source runs in a virtine
// (app_main.c calls them around the snapshot) and natively on the host,
// where the server supplies the wasp_* functions and many connections run
// app_serve at once in one process. Hence:
//   - app_init runs once: it reads the configuration and builds read-only
//     tables in globals;
//   - app_serve serves one connection and must not write any global: its
//     state lives on its stack (under 32 KiB) or in wasp_malloc'd memory it
//     frees before returning.
// Apps use only the functions of guest/runtime/wasp.h, never libc.
#ifndef WASP_GUEST_APPS_APP_H_
#define WASP_GUEST_APPS_APP_H_

#ifdef __cplusplus
extern "C" {
#endif

// Reads the configuration (wasp_get_config); 0 on success.
int app_init(void);
// Serves the connection whose first bytes wasp_get_arg returns; returns (or
// ends with wasp_send_close) to close it. 0 when the connection ended
// normally, nonzero when the app could not serve it (e.g. no memory).
int app_serve(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // WASP_GUEST_APPS_APP_H_
