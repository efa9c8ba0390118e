/* <wasp/app.h>: what a network app for wasp-server may use. The app API
 * (app_init, and app_handle or app_serve) and the guest runtime (wasp_*:
 * strings, printf, malloc, the request area); build with wasp-app-cc. */
#ifndef WASP_APP_H_
#define WASP_APP_H_

#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

#endif /* WASP_APP_H_ */
