// The JavaScript virtine's call (js_virtine.c): the argument is one flags
// byte, then the script's source; the result is the script's value as a
// string (js_engine.h), and the exit code 0, or 1 if the script threw.
#ifndef WASP_GUEST_JS_JS_CALL_H_
#define WASP_GUEST_JS_JS_CALL_H_

// Destroy the Duktape heap after the script, as a process would before
// exiting (Fig. 14's variants "with teardown").
#define JS_CALL_TEARDOWN 1

// The virtine exits with these when it cannot run the script at all.
#define JS_EXIT_NO_HEAP 2      // Duktape could not create its heap
#define JS_EXIT_NO_ARGUMENT 3  // the call had no flags byte

#endif  // WASP_GUEST_JS_JS_CALL_H_
