// Fuzzes wasp-load's HTTP response parser with arbitrary server bytes.
// Byte 0 steers: 'H' parses responses to HEAD requests; its value also
// picks the size of the reads the rest arrives in (1-13 bytes). Checks,
// beyond "no crash": every Parse() uses at most what it was given and
// makes progress (or the client would spin); statuses are three digits;
// and the responses found, and whether the stream breaks, are the same
// whether the bytes arrive at once or in small reads.
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/fuzz/check.h"
#include "tools/load/http_response.h"

namespace {

struct Outcome {
  std::vector<std::pair<int, bool>> responses;  // status, keep-alive
  bool broken = false;                          // an error, at once or at end
  bool operator==(const Outcome& other) const {
    return responses == other.responses && broken == other.broken;
  }
};

// Parses `stream` in reads of `read_size` bytes, then ends it.
Outcome Parse(absl::string_view stream, size_t read_size, bool head) {
  wasp::load::HttpResponseParser parser(head);
  Outcome outcome;
  auto record = [&] {
    const auto& response = parser.response();
    WASP_FUZZ_CHECK(response.status >= 100 && response.status <= 999);
    outcome.responses.emplace_back(response.status, response.keep_alive);
  };
  for (size_t at = 0; at < stream.size(); at += read_size) {
    absl::string_view read = stream.substr(at, read_size);
    while (!read.empty()) {
      auto progress = parser.Parse(read);
      if (!progress.ok()) {
        outcome.broken = true;
        return outcome;
      }
      WASP_FUZZ_CHECK(progress->consumed <= read.size());
      WASP_FUZZ_CHECK(progress->consumed > 0);
      if (progress->complete) record();
      read.remove_prefix(progress->consumed);
    }
  }
  auto finished = parser.Finish();
  if (!finished.ok()) {
    outcome.broken = true;
  } else if (*finished) {
    record();
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool head = data[0] == 'H';
  const size_t read_size = data[0] % 13 + 1;
  absl::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  Outcome whole = Parse(stream, stream.size() + 1, head);
  Outcome pieces = Parse(stream, read_size, head);
  WASP_FUZZ_CHECK(whole == pieces);
  return 0;
}
