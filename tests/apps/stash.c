// A request-scoped app that tries to carry state from one request to the
// next, for the server's tests. Requests are lines:
//   "STASH <text>"  keeps <text> in a global and answers "stashed";
//   "PEEK"          answers what the global holds, or "(empty)";
//   "FAULT"         dereferences a null pointer;
//   "LOOP"          spins for ever.
// In a virtine every run starts from the snapshot, so a PEEK never sees
// what an earlier request stashed, even on the same connection.
#include "guest/apps/app.h"
#include "guest/runtime/wasp.h"

const uint32_t app_input_capacity = 4096;

static char stash[256];

int app_init(void) { return 0; }

static size_t line_length(const char* s, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (s[i] == '\n') return i;
  }
  return len;
}

static int starts_with(const char* line, size_t len, const char* prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(line, prefix, n) == 0;
}

int app_handle(struct wasp_request_area* area) {
  char* out = wasp_malloc(app_input_capacity * 2);
  if (out == NULL) return 1;
  const char* in = (const char*)(uintptr_t)area->in;
  size_t len = area->in_len < area->in_cap ? area->in_len : area->in_cap;
  size_t start = 0;
  size_t out_len = 0;
  for (;;) {
    size_t line = line_length(in + start, len - start);
    if (line == len - start) break;  // no whole line left
    if (starts_with(in + start, line, "STASH ")) {
      size_t n = line - 6 < sizeof stash - 1 ? line - 6 : sizeof stash - 1;
      memcpy(stash, in + start + 6, n);
      stash[n] = 0;
      memcpy(out + out_len, "stashed\n", 8);
      out_len += 8;
    } else if (starts_with(in + start, line, "FAULT")) {
      *(volatile int*)0 = 1;
    } else if (starts_with(in + start, line, "LOOP")) {
      for (;;) __asm__ volatile("");
    } else if (starts_with(in + start, line, "PEEK")) {
      size_t n = strlen(stash);
      const char* text = n > 0 ? stash : "(empty)";
      n = n > 0 ? n : 7;
      memcpy(out + out_len, text, n);
      out[out_len + n] = '\n';
      out_len += n + 1;
    }
    start += line + 1;
  }
  area->iov[0] =
      (struct wasp_iovec){.base = (uint64_t)(uintptr_t)out, .len = out_len};
  area->iov_count = out_len > 0;
  area->consumed = (uint32_t)start;
  area->skip = 0;
  area->wake_byte = '\n';
  area->wake_len = 0;
  area->out_flags = area->in_flags ? WASP_OUTPUT_CLOSE : 0;
  return 0;
}
