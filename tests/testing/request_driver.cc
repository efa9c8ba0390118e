#include "tests/testing/request_driver.h"

#include <algorithm>

#include "absl/types/span.h"

namespace wasp::testing {

void RequestDriver::Bytes(std::string bytes) {
  size_t capacity = pool_.input_capacity();
  while (!closed && !bytes.empty()) {
    size_t n = std::min(bytes.size(), input_.Room(capacity));
    if (n == 0 && !input_.Due(capacity)) {
      closed = true;  // stuck: the worker closes
      return;
    }
    input_.Add(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), n));
    bytes.erase(0, n);
    while (!closed && input_.Due(capacity)) Run(0);
  }
}

void RequestDriver::End(uint32_t flags) {
  if (closed) return;
  if (input_.empty()) {
    closed = true;
    return;
  }
  Run(flags);
  closed = true;
}

void RequestDriver::Run(uint32_t flags) {
  ++runs;
  absl::StatusOr<RequestHandler*> handler = pool_.Acquire();
  if (!handler.ok()) {
    failure = handler.status().ToString();
    closed = true;
    return;
  }
  absl::StatusOr<RunResult> result =
      (*handler)->Run(input_.bytes(), flags | input_flags);
  if (!result.ok() || result->outcome != RunResult::Outcome::kAnswered) {
    failure = result.ok() ? result->failure : result.status().ToString();
    closed = true;
  } else {
    for (const iovec& segment : result->output) {
      sent.append(static_cast<const char*>(segment.iov_base), segment.iov_len);
    }
    log.append(result->log.begin(), result->log.end());
    input_.AfterRun(*result);
    if (result->close || flags != 0) closed = true;
  }
  absl::Status released = pool_.Release(*handler);
  if (!released.ok() && failure.empty()) failure = released.ToString();
}

}  // namespace wasp::testing
