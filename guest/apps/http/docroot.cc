#include "guest/apps/http/docroot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "guest/apps/http/docroot_bundle.h"

namespace wasp {
namespace {

namespace fs = std::filesystem;

absl::Status FilesystemError(absl::string_view what, const fs::path& path,
                             const std::error_code& error) {
  return absl::ErrnoToStatus(
      error.value(), absl::StrCat("docroot: ", what, " ", path.string()));
}

absl::StatusOr<std::string> ReadFile(const fs::path& path, size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("docroot: open ", path.string()));
  }
  std::string body;
  char chunk[64 << 10];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return absl::ErrnoToStatus(error,
                                 absl::StrCat("docroot: read ", path.string()));
    }
    if (n == 0) break;
    if (body.size() + n > limit) {
      ::close(fd);
      return absl::ResourceExhaustedError(absl::StrCat(
          "docroot: ", path.string(),
          " does not fit: the bundle is limited to ", limit, " bytes more"));
    }
    body.append(chunk, n);
  }
  ::close(fd);
  return body;
}

// Whether `path` lies inside `root` (both canonical).
bool IsInside(const fs::path& path, const fs::path& root) {
  auto [root_end, unused] =
      std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

// The URL path of a file in the docroot, or why it can have none.
absl::StatusOr<std::string> UrlPath(const fs::path& file,
                                    const fs::path& root) {
  std::string path = "/" + file.lexically_relative(root).generic_string();
  if (path.find('\\') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("docroot: ", file.string(),
                     ": a backslash in a file name cannot be "
                     "requested"));
  }
  return path;
}

// One entry of the directory walk: appended to `files` if it is served.
absl::Status AddEntry(const fs::directory_entry& entry, const fs::path& root,
                      size_t limit, std::vector<DocrootFile>& files,
                      size_t& bytes) {
  std::error_code error;
  fs::file_status link = entry.symlink_status(error);
  if (error) return FilesystemError("cannot stat", entry.path(), error);
  fs::path source = entry.path();
  if (fs::is_symlink(link)) {
    source = fs::canonical(entry.path(), error);
    if (error) return FilesystemError("broken symlink", entry.path(), error);
    if (!IsInside(source, root)) {
      return absl::InvalidArgumentError(
          absl::StrCat("docroot: ", entry.path().string(), " links to ",
                       source.string(), ", outside ", root.string()));
    }
  }
  if (!fs::is_regular_file(fs::status(source, error))) return absl::OkStatus();
  absl::StatusOr<std::string> path = UrlPath(entry.path(), root);
  if (!path.ok()) return path.status();
  size_t overhead = sizeof(wasp_docroot_entry) + path->size() + 64;
  if (bytes + overhead > limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "docroot: ", entry.path().string(),
        " does not fit: the bundle is limited to ", limit, " bytes"));
  }
  struct stat info;
  if (::stat(source.c_str(), &info) != 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("docroot: cannot stat ", source.string()));
  }
  // Root reads anything: publish only what its owner let everyone read, as
  // an unprivileged server (nginx's workers) would.
  if (::geteuid() == 0 && (info.st_mode & S_IROTH) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "docroot: ", source.string(),
        " is not world-readable, and a server started as root publishes "
        "only what everyone may read: chmod o+r it, or move it out of the "
        "docroot"));
  }
  absl::StatusOr<std::string> body = ReadFile(source, limit - bytes - overhead);
  if (!body.ok()) return body.status();
  bytes += overhead + body->size();
  uint32_t mtime = info.st_mtime > 0 ? static_cast<uint32_t>(info.st_mtime) : 0;
  files.push_back({*std::move(path),
                   ContentTypeFor(entry.path().filename().string()),
                   *std::move(body), mtime});
  return absl::OkStatus();
}

void PutU32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    out[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t GetU32(absl::Span<const uint8_t> in, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= uint32_t{in[at + i]} << (8 * i);
  return value;
}

absl::Status CheckPath(const std::string& path) {
  bool ok = !path.empty() && path[0] == '/' &&
            path.size() <= WASP_DOCROOT_PATH_MAX &&
            path.find('\0') == std::string::npos &&
            path.find('\\') == std::string::npos;
  if (ok) {
    for (absl::string_view segment : absl::StrSplit(path.substr(1), '/')) {
      if (segment.empty() || segment == "." || segment == "..") ok = false;
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "docroot: \"", absl::CEscape(path),
        "\" is not a servable path (absolute, at most ", WASP_DOCROOT_PATH_MAX,
        " bytes, no empty, . or .. segments)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ContentTypeFor(absl::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == absl::string_view::npos) return "application/octet-stream";
  std::string extension =
      absl::AsciiStrToLower(std::string(file_name.substr(dot + 1)));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) return type;
  }
  return "application/octet-stream";
}

std::string HttpDate(absl::Time time) {
  static const char* const kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                      "Fri", "Sat", "Sun"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};
  absl::CivilSecond s = absl::ToCivilSecond(time, absl::UTCTimeZone());
  absl::Weekday day = absl::GetWeekday(absl::CivilDay(s));
  char out[40];
  snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT",
           kDays[static_cast<int>(day)], s.day(), kMonths[s.month() - 1],
           static_cast<int>(s.year()), s.hour(), s.minute(), s.second());
  return out;
}

absl::StatusOr<std::vector<uint8_t>> PackDocrootFiles(
    std::vector<DocrootFile> files, absl::Time date) {
  std::vector<uint8_t> out(sizeof(wasp_docroot_header));
  std::string http_date = HttpDate(date);
  if (http_date.size() >= WASP_DOCROOT_DATE_SIZE) {
    return absl::InvalidArgumentError("docroot: date out of range");
  }
  std::vector<absl::string_view> seen;
  for (const DocrootFile& file : files) {
    if (absl::Status status = CheckPath(file.path); !status.ok()) return status;
    if (file.content_type.size() > WASP_DOCROOT_TYPE_MAX ||
        std::any_of(file.content_type.begin(), file.content_type.end(),
                    [](char c) { return c < ' ' || c > '~'; })) {
      return absl::InvalidArgumentError(
          absl::StrCat("docroot: ", file.path, ": bad content type \"",
                       absl::CEscape(file.content_type), "\""));
    }
    seen.push_back(file.path);
    size_t at = out.size();
    uint64_t end = at + sizeof(wasp_docroot_entry) + file.path.size() +
                   file.content_type.size() + file.body.size();
    if (end > UINT32_MAX) {
      return absl::InvalidArgumentError(
          absl::StrCat("docroot: ", file.path, " makes the bundle over 4 GiB"));
    }
    out.resize(at + sizeof(wasp_docroot_entry));
    PutU32(out, at, static_cast<uint32_t>(file.path.size()));
    PutU32(out, at + 4, static_cast<uint32_t>(file.content_type.size()));
    PutU32(out, at + 8, static_cast<uint32_t>(file.body.size()));
    PutU32(out, at + 12,
           file.mtime != 0 ? file.mtime
                           : static_cast<uint32_t>(absl::ToUnixSeconds(date)));
    out.insert(out.end(), file.path.begin(), file.path.end());
    out.insert(out.end(), file.content_type.begin(), file.content_type.end());
    out.insert(out.end(), file.body.begin(), file.body.end());
  }
  std::sort(seen.begin(), seen.end());
  if (auto dup = std::adjacent_find(seen.begin(), seen.end());
      dup != seen.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("docroot: ", *dup, " appears twice"));
  }
  PutU32(out, 0, WASP_DOCROOT_MAGIC);
  PutU32(out, 4, static_cast<uint32_t>(files.size()));
  PutU32(out, 8, static_cast<uint32_t>(out.size()));
  PutU32(out, 12, 0);
  std::memcpy(out.data() + offsetof(wasp_docroot_header, date),
              http_date.data(), http_date.size());
  return out;
}

absl::StatusOr<std::vector<uint8_t>> PackDocroot(const std::string& dir,
                                                 size_t max_bytes,
                                                 absl::Time date) {
  std::error_code error;
  fs::path root = fs::canonical(dir, error);
  if (error) return FilesystemError("cannot open directory", dir, error);
  if (!fs::is_directory(root, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("docroot: ", dir, " is not a directory"));
  }
  std::vector<DocrootFile> files;
  size_t bytes = sizeof(wasp_docroot_header);
  fs::recursive_directory_iterator it(root, error), end;
  if (error) return FilesystemError("cannot list", root, error);
  // An increment fails entering the directory visited last.
  fs::path last = root;
  for (; it != end; it.increment(error)) {
    if (error) break;
    last = it->path();
    absl::Status status = AddEntry(*it, root, max_bytes, files, bytes);
    if (!status.ok()) return status;
  }
  if (error) return FilesystemError("cannot list", last, error);
  std::sort(files.begin(), files.end(),
            [](const DocrootFile& a, const DocrootFile& b) {
              return a.path < b.path;
            });
  absl::StatusOr<std::vector<uint8_t>> bundle =
      PackDocrootFiles(std::move(files), date);
  if (bundle.ok() && bundle->size() > max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("docroot: ", dir, " packs into ", bundle->size(),
                     " bytes, more than the limit of ", max_bytes));
  }
  return bundle;
}

std::vector<uint8_t> SampleDocroot(absl::Time date) {
  std::vector<DocrootFile> files = {
      {"/hello.txt", ContentTypeFor("hello.txt"), "Hello from a virtine!\n"},
      {"/index.html", ContentTypeFor("index.html"),
       "<!doctype html>\n"
       "<html lang=\"en\">\n"
       "<head><meta charset=\"utf-8\"><title>Wasp</title></head>\n"
       "<body>\n"
       "<h1>Hello from a virtine</h1>\n"
       "<p>This page was served from a virtine: a KVM virtual machine that\n"
       "Wasp restored from a snapshot for this one connection.</p>\n"
       "<p>Try <a href=\"/hello.txt\">/hello.txt</a>.</p>\n"
       "</body>\n"
       "</html>\n"},
  };
  return *PackDocrootFiles(std::move(files), date);
}

absl::StatusOr<Docroot> UnpackDocroot(absl::Span<const uint8_t> bundle) {
  auto malformed = [](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("docroot bundle: ", why));
  };
  if (bundle.size() < sizeof(wasp_docroot_header)) {
    return malformed("shorter than its header");
  }
  if (GetU32(bundle, 0) != WASP_DOCROOT_MAGIC) return malformed("bad magic");
  if (GetU32(bundle, 8) != bundle.size()) return malformed("wrong total size");
  Docroot docroot;
  const char* date = reinterpret_cast<const char*>(
      bundle.data() + offsetof(wasp_docroot_header, date));
  docroot.date.assign(date, strnlen(date, WASP_DOCROOT_DATE_SIZE));
  size_t at = sizeof(wasp_docroot_header);
  for (uint32_t i = 0, count = GetU32(bundle, 4); i < count; ++i) {
    if (bundle.size() - at < sizeof(wasp_docroot_entry)) {
      return malformed("truncated entry");
    }
    uint64_t lengths[3] = {GetU32(bundle, at), GetU32(bundle, at + 4),
                           GetU32(bundle, at + 8)};
    uint32_t mtime = GetU32(bundle, at + 12);
    at += sizeof(wasp_docroot_entry);
    if (lengths[0] + lengths[1] + lengths[2] > bundle.size() - at) {
      return malformed("entry runs past the end");
    }
    std::string fields[3];
    for (int f = 0; f < 3; ++f) {
      fields[f].assign(reinterpret_cast<const char*>(bundle.data() + at),
                       lengths[f]);
      at += lengths[f];
    }
    docroot.files.push_back({std::move(fields[0]), std::move(fields[1]),
                             std::move(fields[2]), mtime});
  }
  if (at != bundle.size()) return malformed("bytes after the last entry");
  return docroot;
}

}  // namespace wasp
