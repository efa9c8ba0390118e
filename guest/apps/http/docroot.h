// Docroot bundles on the host: packs a directory of files (or a built-in
// sample site) into the configuration an HTTP virtine serves from (format:
// guest/apps/http/docroot_bundle.h), and reads one back.
#ifndef WASP_GUEST_APPS_HTTP_DOCROOT_H_
#define WASP_GUEST_APPS_HTTP_DOCROOT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace wasp {

struct DocrootFile {
  std::string path;  // "/css/site.css"
  std::string content_type;
  std::string body;
  // Modification time, seconds since the epoch; 0: the bundle's date.
  uint32_t mtime = 0;
};

// Every regular file under `dir`, recursively, as "/<path relative to
// dir>". Symlinks to files inside `dir` are served under the link's name;
// any symlink that leaves `dir` is an error; symlinks to directories inside
// are not followed, and other special files are skipped. Errors name the
// path:
// NotFound / InvalidArgument for a missing or unusable directory or file
// name, ResourceExhausted once the bundle would exceed `max_bytes`.
// The bundle's Date is `date` (the server's start time).
absl::StatusOr<std::vector<uint8_t>> PackDocroot(const std::string& dir,
                                                 size_t max_bytes,
                                                 absl::Time date = absl::Now());

// A small built-in site: /index.html and /hello.txt.
std::vector<uint8_t> SampleDocroot(absl::Time date = absl::Now());

// Packs `files` as given (PackDocroot sorts them by path first).
// InvalidArgument for a path the server could never serve, a duplicate, or
// a file too large for the format.
absl::StatusOr<std::vector<uint8_t>> PackDocrootFiles(
    std::vector<DocrootFile> files, absl::Time date);

// The files and date of a bundle; InvalidArgument if it is malformed.
struct Docroot {
  std::string date;
  std::vector<DocrootFile> files;
};
absl::StatusOr<Docroot> UnpackDocroot(absl::Span<const uint8_t> bundle);

// The content type served for a file name, by its extension.
std::string ContentTypeFor(absl::string_view file_name);

// `time` as an HTTP-date: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(absl::Time time);

}  // namespace wasp

#endif  // WASP_GUEST_APPS_HTTP_DOCROOT_H_
