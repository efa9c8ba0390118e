// The JavaScript app's contract with the host (tools/server/js_app.h): its
// configuration is the script's source; before its snapshot it loads the
// script and checks that it defines handle(). If it cannot, it hands the
// reason to the host (WASP_HC_SET_RESULT, text) and exits with one of the
// codes below, so the server can refuse to start with that reason.
#ifndef WASP_GUEST_APPS_JS_JS_APP_H_
#define WASP_GUEST_APPS_JS_JS_APP_H_

// The longest request body; a longer Content-Length is answered 413.
#define JS_APP_BODY_MAX (64 * 1024)

#define JS_APP_EXIT_NO_MEMORY 2  // no Duktape heap, or no buffers
#define JS_APP_EXIT_SCRIPT 3     // the script failed to compile or to run
#define JS_APP_EXIT_NO_HANDLE 4  // it defines no function handle(request)

#endif  // WASP_GUEST_APPS_JS_JS_APP_H_
