#include "tools/vcc/call_blob.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/str_format.h"
#include "guest/abi/hypercall.h"

namespace wasp::vcc {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// Lengths come from the caller: saturate rather than wrap.
uint64_t Add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

uint64_t AlignUp(uint64_t n) {
  return Add(n, WASP_VCC_ALIGN - 1) & ~uint64_t{WASP_VCC_ALIGN - 1};
}

absl::Status CheckBuffers(absl::Span<const BufferSpan> buffers) {
  if (absl::Status status = CheckBufferCount(buffers.size()); !status.ok()) {
    return status;
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferSpan& buffer = buffers[i];
    if (buffer.direction == 0 ||
        (buffer.direction & ~(WASP_VCC_IN | WASP_VCC_OUT)) != 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "pointer buffer %u has direction %#x; want WASP_VCC_IN, "
          "WASP_VCC_OUT or both",
          i, buffer.direction));
    }
    if (buffer.data == nullptr && buffer.length > 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "pointer buffer %u is null but should hold %u bytes; pass a valid "
          "pointer",
          i, buffer.length));
    }
  }
  return absl::OkStatus();
}

// Where each part of the argument goes.
struct Layout {
  uint64_t args_offset = 0;
  uint64_t buffer_offsets[WASP_VCC_MAX_BUFFERS] = {};
  uint64_t total = 0;
  uint64_t buffer_bytes = 0;  // the buffers' own bytes, without padding
};

Layout PlanArgument(uint64_t args_length,
                    absl::Span<const BufferSpan> buffers) {
  Layout layout;
  layout.args_offset = AlignUp(sizeof(wasp_vcc_header) +
                               buffers.size() * sizeof(wasp_vcc_buffer));
  uint64_t end = Add(layout.args_offset, args_length);
  for (size_t i = 0; i < buffers.size(); ++i) {
    layout.buffer_offsets[i] = AlignUp(end);
    end = Add(layout.buffer_offsets[i], buffers[i].length);
    layout.buffer_bytes = Add(layout.buffer_bytes, buffers[i].length);
  }
  layout.total = end;
  return layout;
}

}  // namespace

absl::Status CheckBufferCount(uint64_t count) {
  if (count <= WASP_VCC_MAX_BUFFERS) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%u pointer buffers are %u over the limit of WASP_VCC_MAX_BUFFERS (%u); "
      "pass fewer pointers",
      count, count - WASP_VCC_MAX_BUFFERS, WASP_VCC_MAX_BUFFERS));
}

uint64_t ResultLength(absl::Span<const BufferSpan> buffers,
                      uint64_t return_length) {
  uint64_t total = return_length;
  for (const BufferSpan& buffer : buffers) {
    if (buffer.direction & WASP_VCC_OUT) total = Add(total, buffer.length);
  }
  return total;
}

absl::StatusOr<size_t> PackCall(absl::Span<uint8_t> out,
                                absl::Span<const uint8_t> args,
                                absl::Span<const BufferSpan> buffers,
                                uint32_t return_length) {
  if (absl::Status status = CheckBuffers(buffers); !status.ok()) {
    return status;
  }
  const uint64_t result_length = ResultLength(buffers, return_length);
  if (result_length > WASP_CALL_RESULT_MAX) {
    return absl::OutOfRangeError(absl::StrFormat(
        "the return value (%u bytes) and out buffers (%u bytes) need %u "
        "result bytes, %u over the limit of WASP_CALL_RESULT_MAX (%u); "
        "return less, or split the call",
        return_length, result_length - return_length, result_length,
        result_length - WASP_CALL_RESULT_MAX, WASP_CALL_RESULT_MAX));
  }
  const Layout layout = PlanArgument(args.size(), buffers);
  if (layout.total > WASP_CALL_ARG_MAX) {
    return absl::OutOfRangeError(absl::StrFormat(
        "the arguments (%u bytes) and pointer buffers (%u bytes) need %u "
        "argument bytes with the call's header and padding, %u over the "
        "limit of WASP_CALL_ARG_MAX (%u); pass less data, or split the call",
        args.size(), layout.buffer_bytes, layout.total,
        layout.total - WASP_CALL_ARG_MAX, WASP_CALL_ARG_MAX));
  }
  if (layout.total > out.size()) {
    return absl::InternalError(
        absl::StrFormat("the call needs %u argument bytes but the host gave %u",
                        layout.total, out.size()));
  }
  // Padding and out-only buffers are sent as zeros.
  std::fill(out.begin(), out.begin() + layout.total, 0);
  const wasp_vcc_header header = {
      .magic = WASP_VCC_MAGIC,
      .buffer_count = static_cast<uint32_t>(buffers.size()),
      .args_offset = static_cast<uint32_t>(layout.args_offset),
      .args_length = static_cast<uint32_t>(args.size()),
      .return_length = return_length,
      .reserved = 0,
  };
  std::memcpy(out.data(), &header, sizeof header);
  for (size_t i = 0; i < buffers.size(); ++i) {
    const wasp_vcc_buffer entry = {
        .offset = static_cast<uint32_t>(layout.buffer_offsets[i]),
        .length = static_cast<uint32_t>(buffers[i].length),
        .direction = buffers[i].direction,
        .reserved = 0,
    };
    std::memcpy(out.data() + sizeof header + i * sizeof entry, &entry,
                sizeof entry);
    if ((buffers[i].direction & WASP_VCC_IN) && buffers[i].length > 0) {
      std::memcpy(out.data() + entry.offset, buffers[i].data,
                  buffers[i].length);
    }
  }
  if (!args.empty()) {
    std::memcpy(out.data() + layout.args_offset, args.data(), args.size());
  }
  return static_cast<size_t>(layout.total);
}

absl::Status UnpackResult(absl::Span<const uint8_t> result,
                          absl::Span<const BufferSpan> buffers,
                          absl::Span<uint8_t> ret) {
  if (absl::Status status = CheckBuffers(buffers); !status.ok()) {
    return status;
  }
  const uint64_t expected = ResultLength(buffers, ret.size());
  if (result.size() != expected) {
    return absl::DataLossError(absl::StrFormat(
        "the virtine returned %u result bytes, not the %u expected (a "
        "return value of %u bytes and %u bytes of out buffers); its image "
        "does not match this call: rebuild both with the same vcc",
        result.size(), expected, ret.size(), expected - ret.size()));
  }
  const uint8_t* next = result.data();
  if (!ret.empty()) std::memcpy(ret.data(), next, ret.size());
  next += ret.size();
  for (const BufferSpan& buffer : buffers) {
    if (!(buffer.direction & WASP_VCC_OUT) || buffer.length == 0) continue;
    std::memcpy(buffer.data, next, buffer.length);
    next += buffer.length;
  }
  return absl::OkStatus();
}

}  // namespace wasp::vcc
