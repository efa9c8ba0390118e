#include "tools/vcc/host_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>

#include "absl/algorithm/container.h"
#include "base/status_macros.h"
#include "engine/virtine.h"
#include "guest/abi/hypercall.h"

// The host copies its own struct stat: it must be the guest's.
static_assert(sizeof(struct stat) == sizeof(wasp_stat), "glibc x86-64");
static_assert(offsetof(struct stat, st_mode) == offsetof(wasp_stat, mode));
static_assert(offsetof(struct stat, st_size) == offsetof(wasp_stat, size));
static_assert(offsetof(struct stat, st_mtim) == offsetof(wasp_stat, mtime_sec));
static_assert(sizeof(struct timeval) == sizeof(wasp_timeval), "x86-64");
static_assert(PATH_MAX == WASP_PATH_MAX);

namespace wasp::vcc {
namespace {

// VIRTINE_ALLOW_* of tools/vcc/include/virtine.h (whose `virtine` macro
// C++ cannot include); host_files_test checks that they agree.
constexpr uint64_t kNoAllowlist = ~0ull;
struct Permission {
  uint64_t allow_bit;
  uint64_t hypercall;
};
constexpr Permission kPermissions[] = {
    {1 << 1, WASP_HC_HOST_CLOSE},         {1 << 2, WASP_HC_HOST_FSTAT},
    {1 << 3, WASP_HC_HOST_LINK},          {1 << 4, WASP_HC_HOST_LSEEK},
    {1 << 5, WASP_HC_HOST_OPEN},          {1 << 6, WASP_HC_HOST_READ},
    {1 << 9, WASP_HC_HOST_UNLINK},        {1 << 10, WASP_HC_HOST_WRITE},
    {1 << 11, WASP_HC_HOST_GETTIMEOFDAY}, {1 << 12, WASP_HC_HOST_ISATTY},
};

// The calling thread's current call (see ScopedCallFiles).
thread_local CallFiles* current_files = nullptr;

int64_t Errno() { return -static_cast<int64_t>(errno); }

// Guest bytes the host reads: the guest's own memory, above the null page
// and the system area (so a null path is -EFAULT, as on Linux).
std::optional<absl::Span<const uint8_t>> Readable(const GuestAccess& guest,
                                                  uint64_t address,
                                                  uint64_t length) {
  if (address < WASP_SYSTEM_AREA_END) return std::nullopt;
  auto bytes = guest.memory.Translate(address, length);
  if (!bytes.ok()) return std::nullopt;
  return *bytes;
}

// Guest bytes the host writes: only where the guest may write, so that the
// next reset undoes it.
std::optional<absl::Span<uint8_t>> Writable(const GuestAccess& guest,
                                            uint64_t address, uint64_t length) {
  auto bytes =
      guest.memory.TranslateGuestBuffer(address, length, guest.writable);
  if (!bytes.ok()) return std::nullopt;
  return *bytes;
}

// The NUL-terminated path at `address`: 0, or -errno.
int64_t ReadPath(const GuestAccess& guest, uint64_t address,
                 std::string* path) {
  if (address > guest.memory.size()) return -EFAULT;
  uint64_t length =
      std::min<uint64_t>(WASP_PATH_MAX, guest.memory.size() - address);
  std::optional<absl::Span<const uint8_t>> bytes =
      Readable(guest, address, length);
  if (!bytes) return -EFAULT;
  const void* nul = std::memchr(bytes->data(), 0, bytes->size());
  if (nul == nullptr) return length < WASP_PATH_MAX ? -EFAULT : -ENAMETOOLONG;
  path->assign(reinterpret_cast<const char*>(bytes->data()),
               static_cast<const uint8_t*>(nul) - bytes->data());
  return 0;
}

template <typename T>
int64_t WriteValue(const GuestAccess& guest, uint64_t address, const T& value) {
  std::optional<absl::Span<uint8_t>> bytes =
      Writable(guest, address, sizeof value);
  if (!bytes) return -EFAULT;
  std::memcpy(bytes->data(), &value, sizeof value);
  return 0;
}

wasp_stat ToWaspStat(const struct stat& st) {
  return {.dev = st.st_dev,
          .ino = st.st_ino,
          .nlink = st.st_nlink,
          .mode = st.st_mode,
          .uid = st.st_uid,
          .gid = st.st_gid,
          .rdev = st.st_rdev,
          .size = st.st_size,
          .blksize = st.st_blksize,
          .blocks = st.st_blocks,
          .atime_sec = st.st_atim.tv_sec,
          .atime_nsec = st.st_atim.tv_nsec,
          .mtime_sec = st.st_mtim.tv_sec,
          .mtime_nsec = st.st_mtim.tv_nsec,
          .ctime_sec = st.st_ctim.tv_sec,
          .ctime_nsec = st.st_ctim.tv_nsec};
}

int64_t GetTimeOfDay(const GuestAccess& guest, const Hypercall& call) {
  struct timeval now;
  if (::gettimeofday(&now, nullptr) != 0) return Errno();
  return WriteValue(guest, call.args[0],
                    wasp_timeval{.sec = now.tv_sec, .usec = now.tv_usec});
}

int64_t Unlink(const GuestAccess& guest, const Hypercall& call) {
  std::string path;
  if (int64_t error = ReadPath(guest, call.args[0], &path)) return error;
  return ::unlink(path.c_str()) == 0 ? 0 : Errno();
}

int64_t Link(const GuestAccess& guest, const Hypercall& call) {
  std::string old_path, new_path;
  if (int64_t error = ReadPath(guest, call.args[0], &old_path)) return error;
  if (int64_t error = ReadPath(guest, call.args[1], &new_path)) return error;
  return ::link(old_path.c_str(), new_path.c_str()) == 0 ? 0 : Errno();
}

template <typename Vector>
void Erase(Vector& fds, int fd) {
  fds.erase(std::remove(fds.begin(), fds.end(), fd), fds.end());
}

HypercallResult ServeCurrentCall(Virtine& virtine, const Hypercall& call) {
  if (current_files == nullptr) return HypercallResult::Error(WASP_EPERM);
  return HypercallResult::Return(current_files->Serve(
      {virtine.memory(), virtine.writable_region()}, call));
}

}  // namespace

std::vector<uint64_t> HostFileHypercalls(uint64_t virtine_allow_mask) {
  std::vector<uint64_t> numbers;
  if (virtine_allow_mask == kNoAllowlist) return numbers;
  for (const Permission& permission : kPermissions) {
    if (virtine_allow_mask & permission.allow_bit) {
      numbers.push_back(permission.hypercall);
    }
  }
  return numbers;
}

CallFiles::CallFiles(absl::Span<const int32_t> given)
    : given_(given.begin(), given.end()) {}

CallFiles::~CallFiles() {
  // Nothing the call opened outlives it.
  for (int fd : opened_) ::close(fd);
}

int64_t CallFiles::Serve(const GuestAccess& guest, const Hypercall& call) {
  switch (call.number) {
    case WASP_HC_HOST_OPEN:
      return Open(guest, call);
    case WASP_HC_HOST_READ:
      return Read(guest, call);
    case WASP_HC_HOST_WRITE:
      return Write(guest, call);
    case WASP_HC_HOST_CLOSE:
      return Close(call);
    case WASP_HC_HOST_FSTAT:
      return Fstat(guest, call);
    case WASP_HC_HOST_LSEEK:
      return Lseek(call);
    case WASP_HC_HOST_ISATTY:
      return Isatty(call);
    case WASP_HC_HOST_GETTIMEOFDAY:
      return GetTimeOfDay(guest, call);
    case WASP_HC_HOST_UNLINK:
      return Unlink(guest, call);
    case WASP_HC_HOST_LINK:
      return Link(guest, call);
  }
  return -ENOSYS;
}

std::optional<int> CallFiles::Usable(uint64_t value) const {
  // The guest passes an int sign-extended to 64 bits.
  const auto number = static_cast<int64_t>(value);
  if (number < 0 || number > INT_MAX) return std::nullopt;
  const int fd = static_cast<int>(number);
  if (fd == 1 || fd == 2) return std::nullopt;  // the console's, in a virtine
  if (absl::c_linear_search(given_, fd) || absl::c_linear_search(opened_, fd)) {
    return fd;
  }
  return std::nullopt;
}

int64_t CallFiles::Open(const GuestAccess& guest, const Hypercall& call) {
  std::string path;
  if (int64_t error = ReadPath(guest, call.args[0], &path)) return error;
  if (opened_.size() >= static_cast<size_t>(kMaxOpenFiles)) return -EMFILE;
  // Never inherited by a child of the host, never its controlling terminal.
  const int flags = static_cast<int>(call.args[1]) | O_CLOEXEC | O_NOCTTY;
  const auto mode = static_cast<mode_t>(call.args[2] & 07777);
  const int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) return Errno();
  opened_.push_back(fd);
  return fd;
}

int64_t CallFiles::Read(const GuestAccess& guest, const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  std::optional<absl::Span<uint8_t>> buffer =
      Writable(guest, call.args[1], call.args[2]);
  if (!buffer) return -EFAULT;
  ssize_t n;
  do {
    n = ::read(*fd, buffer->data(), buffer->size());
  } while (n < 0 && errno == EINTR);
  return n < 0 ? Errno() : n;
}

int64_t CallFiles::Write(const GuestAccess& guest, const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  std::optional<absl::Span<const uint8_t>> buffer =
      Readable(guest, call.args[1], call.args[2]);
  if (!buffer) return -EFAULT;
  ssize_t n;
  do {
    n = ::write(*fd, buffer->data(), buffer->size());
  } while (n < 0 && errno == EINTR);
  return n < 0 ? Errno() : n;
}

int64_t CallFiles::Close(const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  Erase(opened_, *fd);
  Erase(given_, *fd);  // a closed number may be reused by anyone
  return ::close(*fd) == 0 ? 0 : Errno();
}

int64_t CallFiles::Fstat(const GuestAccess& guest, const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  struct stat st;
  if (::fstat(*fd, &st) != 0) return Errno();
  return WriteValue(guest, call.args[1], ToWaspStat(st));
}

int64_t CallFiles::Lseek(const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  const off_t offset = ::lseek(*fd, static_cast<off_t>(call.args[1]),
                               static_cast<int>(call.args[2]));
  return offset < 0 ? Errno() : offset;
}

int64_t CallFiles::Isatty(const Hypercall& call) {
  std::optional<int> fd = Usable(call.args[0]);
  if (!fd) return -EBADF;
  return ::isatty(*fd) == 1 ? 1 : Errno();
}

ScopedCallFiles::ScopedCallFiles(CallFiles* files) : previous_(current_files) {
  current_files = files;
}

ScopedCallFiles::~ScopedCallFiles() { current_files = previous_; }

absl::Status RegisterHostFileHandlers(HypercallTable& table) {
  for (const Permission& permission : kPermissions) {
    RETURN_IF_ERROR(table.Register(permission.hypercall, ServeCurrentCall));
  }
  return absl::OkStatus();
}

}  // namespace wasp::vcc
