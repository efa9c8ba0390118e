// A network app that misbehaves on request, for the server's tests. The
// first bytes of a connection choose:
//   "FAULT"        dereferences a null pointer;
//   "LOOP"         spins for ever;
//   "STASH <text>" keeps <text> in a global and answers "stashed";
//   "PEEK"         answers what the global holds (what an earlier connection
//                  left there, if anything could leak);
//   "RECV"         receives the next bytes into a global buffer (memory the
//                  host writes, not the guest; bytes sent with the command
//                  are copied there instead) and answers "received";
//   "PEEKRX"       answers the first 16 bytes of that buffer, hex-encoded;
//   "BYE"          answers "bye" and closes in one call (wasp_send_close);
//                  what follows it never runs;
//   "BADBYE"       wasp_send_close with a buffer outside guest memory;
//   anything else  is echoed back once.
// Unlike a well-behaved app it writes a global in app_serve on purpose: with
// virtines or processes nothing of it may reach the next connection.
#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

static char stash[256];
static char received[4096];

int app_init(void) { return 0; }

static int starts_with(const char* data, long length, const char* prefix) {
  long n = (long)strlen(prefix);
  return length >= n && memcmp(data, prefix, (size_t)n) == 0;
}

int app_serve(void) {
  char request[512];
  long length = wasp_get_arg(request, sizeof request);
  if (length <= 0) length = wasp_recv(request, sizeof request);
  if (length <= 0) return 0;
  if (length > (long)sizeof request) length = sizeof request;
  if (starts_with(request, length, "FAULT")) {
    *(volatile int*)0 = 1;
  } else if (starts_with(request, length, "LOOP")) {
    for (;;) __asm__ volatile("");
  } else if (starts_with(request, length, "STASH ")) {
    long n = length - 6;
    if (n > (long)sizeof stash - 1) n = sizeof stash - 1;
    memcpy(stash, request + 6, (size_t)n);
    stash[n] = 0;
    wasp_send("stashed", 7);
  } else if (starts_with(request, length, "RECV")) {
    // Bytes that came with the command were received too: a slow start (a
    // fork under an emulator) lets the client's next send join the first.
    long got = length - 4;
    if (got > 0) {
      memcpy(received, request + 4, (size_t)got);
    } else {
      got = wasp_recv(received, sizeof received);
    }
    if (got > 0) wasp_send("received", 8);
  } else if (starts_with(request, length, "BYE")) {
    wasp_send_close("bye", 3);
    wasp_send("never", 5);
  } else if (starts_with(request, length, "BADBYE")) {
    wasp_send_close((const void*)(uintptr_t)-4096, 3);
  } else if (starts_with(request, length, "PEEKRX")) {
    static const char digits[] = "0123456789abcdef";
    char hex[32];
    for (int i = 0; i < 16; ++i) {
      hex[2 * i] = digits[(unsigned char)received[i] >> 4];
      hex[2 * i + 1] = digits[(unsigned char)received[i] & 15];
    }
    wasp_send(hex, sizeof hex);
  } else if (starts_with(request, length, "PEEK")) {
    long n = (long)strlen(stash);
    wasp_send(n > 0 ? stash : "(empty)", n > 0 ? (size_t)n : 7);
  } else {
    wasp_send(request, (size_t)length);
  }
  return 0;
}
