// Status propagation helpers: Debian's Abseil 20220623 has none.
#ifndef WASP_BASE_STATUS_MACROS_H_
#define WASP_BASE_STATUS_MACROS_H_

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#define WASP_CONCAT_INNER_(a, b) a##b
#define WASP_CONCAT_(a, b) WASP_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    if (::absl::Status _st = (expr); !_st.ok()) { \
      return _st;                                 \
    }                                             \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(WASP_CONCAT_(_status_or_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)   \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(tmp).value()

namespace wasp {

// "KVM_RUN failed: Bad address" plus an optional hint on how to fix it.
inline absl::Status ErrnoError(absl::string_view call, int err,
                               absl::string_view hint = {}) {
  return absl::ErrnoToStatus(
      err, hint.empty() ? absl::StrCat(call, " failed")
                        : absl::StrCat(call, " failed (", hint, ")"));
}

}  // namespace wasp

#endif  // WASP_BASE_STATUS_MACROS_H_
