/*
 * The docroot bundle: the files an HTTP virtine serves, packed by the host
 * (guest/apps/http/docroot.h) and handed to the guest as its configuration
 * (WASP_HC_GET_CONFIG). Plain C, compiled by both sides.
 *
 * Layout, all integers little-endian u32:
 *   struct wasp_docroot_header   magic, count, total size, date
 *   count entries, packed back to back (no alignment: read the fields with
 *   memcpy or byte loads), each
 *     struct wasp_docroot_entry  path_len, type_len, body_len, mtime (the
 *                                file's modification time, seconds since
 *                                the epoch: its Last-Modified and ETag)
 *     path                       path_len bytes: "/", then the file's path
 *                                relative to the docroot, '/'-separated
 *     content type               type_len bytes, e.g. "text/html;
 * charset=utf-8" body                       body_len bytes: the file's contents
 * total_size counts every byte, header included; the bundle ends there.
 * Paths are unique, sorted bytewise, never hold NUL, "\" or a "." or ".."
 * segment.
 *
 * The guest has no clock: `date` is the HTTP-date (IMF-fixdate, RFC 9110
 * 5.6.7, e.g. "Sun, 06 Nov 1994 08:49:37 GMT") at which the host packed the
 * bundle, i.e. the server's start time, NUL-padded. The server sends it as
 * every response's Date.
 */
#ifndef WASP_GUEST_APPS_HTTP_DOCROOT_BUNDLE_H_
#define WASP_GUEST_APPS_HTTP_DOCROOT_BUNDLE_H_

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define WASP_DOCROOT_MAGIC 0x32524457u /* "WDR2" */
#define WASP_DOCROOT_DATE_SIZE 32
#define WASP_DOCROOT_PATH_MAX 1024 /* bytes of an entry's path */
#define WASP_DOCROOT_TYPE_MAX 128  /* bytes of an entry's content type */

struct wasp_docroot_header {
  uint32_t magic;
  uint32_t count;      /* entries */
  uint32_t total_size; /* bytes of the bundle, this header included */
  uint32_t reserved;   /* 0 */
  char date[WASP_DOCROOT_DATE_SIZE];
};

struct wasp_docroot_entry {
  uint32_t path_len;
  uint32_t type_len;
  uint32_t body_len;
  uint32_t mtime;
};

#ifdef __cplusplus
#define WASP_DOCROOT_ASSERT static_assert
#else
#define WASP_DOCROOT_ASSERT _Static_assert
#endif
WASP_DOCROOT_ASSERT(sizeof(struct wasp_docroot_header) == 48, "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_header, count) == 4, "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_header, total_size) == 8,
                    "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_header, date) == 16, "ABI");
WASP_DOCROOT_ASSERT(sizeof(struct wasp_docroot_entry) == 16, "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_entry, type_len) == 4, "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_entry, body_len) == 8, "ABI");
WASP_DOCROOT_ASSERT(offsetof(struct wasp_docroot_entry, mtime) == 12, "ABI");
#undef WASP_DOCROOT_ASSERT

#endif /* WASP_GUEST_APPS_HTTP_DOCROOT_BUNDLE_H_ */
