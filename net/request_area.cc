#include "net/request_area.h"

#include "absl/strings/str_format.h"

namespace wasp {
namespace {

RunResult Failed(std::string failure) {
  return RunResult{.outcome = RunResult::Outcome::kFailed,
                   .failure = std::move(failure)};
}

}  // namespace

absl::StatusOr<absl::Span<const uint8_t>> HostMemory(uint64_t address,
                                                     uint64_t length) {
  if (address == 0) return absl::InvalidArgumentError("a null output segment");
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(address),
                                   length);
}

RunResult DecodeRequestArea(const wasp_request_area& area, int64_t exit_code,
                            size_t input_length, OutputTranslator translate) {
  if (exit_code != 0) {
    return Failed(
        absl::StrFormat("the app ended its run with code %d", exit_code));
  }
  if (area.consumed > input_length) {
    return Failed(absl::StrFormat("the app consumed %u bytes of an input of %u",
                                  area.consumed, input_length));
  }
  if (area.iov_count > WASP_REQUEST_IOV_MAX) {
    return Failed(absl::StrFormat("the app gave %u output segments, over %d",
                                  area.iov_count, WASP_REQUEST_IOV_MAX));
  }
  if (area.wake_byte > WASP_WAKE_ANY) {
    return Failed(
        absl::StrFormat("wake_byte %#x is neither a byte nor "
                        "WASP_WAKE_ANY",
                        area.wake_byte));
  }
  RunResult result{.outcome = RunResult::Outcome::kAnswered,
                   .consumed = area.consumed,
                   .skip = area.skip,
                   .wake_byte = area.wake_byte,
                   .wake_len = area.wake_len,
                   .close = (area.out_flags & WASP_OUTPUT_CLOSE) != 0};
  if (area.log_len > 0) {
    if (area.log_len > WASP_REQUEST_LOG_MAX) {
      return Failed(absl::StrFormat("access log records of %u bytes, over %d",
                                    area.log_len, WASP_REQUEST_LOG_MAX));
    }
    absl::StatusOr<absl::Span<const uint8_t>> log =
        translate(area.log, area.log_len);
    if (!log.ok()) {
      return Failed(
          absl::StrFormat("access log records: %s", log.status().message()));
    }
    result.log = *log;
  }
  for (uint32_t i = 0; i < area.iov_count; ++i) {
    if (area.iov[i].len == 0) continue;
    absl::StatusOr<absl::Span<const uint8_t>> bytes =
        translate(area.iov[i].base, area.iov[i].len);
    if (!bytes.ok()) {
      return Failed(absl::StrFormat("output segment %u: %s", i,
                                    bytes.status().message()));
    }
    result.output.push_back(
        {const_cast<uint8_t*>(bytes->data()), bytes->size()});
  }
  return result;
}

}  // namespace wasp
