// An incremental HTTP/1.1 response parser for a load generator: it finds
// where each response ends (Content-Length, chunked transfer-encoding, or
// the end of the stream) without copying bodies, across reads split at any
// byte, with pipelined responses back to back.
#ifndef WASP_TOOLS_LOAD_HTTP_RESPONSE_H_
#define WASP_TOOLS_LOAD_HTTP_RESPONSE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wasp::load {

class HttpResponseParser final {
 public:
  struct Response {
    int status = 0;
    // False after "Connection: close", for HTTP/1.0 without keep-alive and
    // for a body that ends with the stream.
    bool keep_alive = true;
  };
  struct Progress {
    size_t consumed = 0;    // bytes of the input used
    bool complete = false;  // a response ended; see response()
  };

  // `head_requests`: the requests are HEAD, so responses carry no body.
  explicit HttpResponseParser(bool head_requests = false)
      : head_requests_(head_requests) {}

  // Consumes bytes up to the end of at most one response; call again with
  // the rest. InvalidArgument for a malformed response.
  absl::StatusOr<Progress> Parse(absl::string_view data);
  // The stream ended: true if that completes a response whose body runs to
  // the end of the stream, false if no response was in progress, DataLoss
  // if one was cut short.
  absl::StatusOr<bool> Finish();
  // The response that ended last.
  const Response& response() const { return response_; }
  // Whether part of a response has been seen and it has not ended.
  bool InResponse() const {
    return state_ != State::kStatusLine || !line_.empty();
  }

 private:
  enum class State {
    kStatusLine,
    kHeaders,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kBodyUntilClose,
  };
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  // Sets `line` to the next complete line (without CRLF) starting at `*pos`,
  // buffering a partial one; false when more input is needed.
  absl::StatusOr<bool> NextLine(absl::string_view data, size_t* pos,
                                absl::string_view* line);
  absl::Status OnStatusLine(absl::string_view line);
  absl::Status OnHeader(absl::string_view line);
  // The empty line after the headers: picks how the body ends.
  bool OnHeadersEnd();
  absl::Status OnChunkSize(absl::string_view line);
  // Consumes body bytes; true when the counted part ended.
  bool ConsumeCounted(absl::string_view data, size_t* pos);

  bool head_requests_;
  State state_ = State::kStatusLine;
  std::string line_;  // a line split across inputs
  size_t header_bytes_ = 0;
  int64_t content_length_ = -1;
  bool chunked_ = false;
  uint64_t remaining_ = 0;  // body or chunk bytes still to come
  Response current_;
  Response response_;
};

}  // namespace wasp::load

#endif  // WASP_TOOLS_LOAD_HTTP_RESPONSE_H_
