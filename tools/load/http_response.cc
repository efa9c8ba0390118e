#include "tools/load/http_response.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wasp::load {
namespace {

bool AllDigits(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

// Whether the comma-separated `list` holds `token` (case-insensitively).
bool HasToken(absl::string_view list, absl::string_view token) {
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(item), token)) {
      return true;
    }
  }
  return false;
}

absl::Status Malformed(absl::string_view what, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "malformed HTTP response: ", what, " `", text.substr(0, 80), "`"));
}

}  // namespace

absl::StatusOr<bool> HttpResponseParser::NextLine(absl::string_view data,
                                                  size_t* pos,
                                                  absl::string_view* line) {
  size_t newline = data.find('\n', *pos);
  size_t end = newline == absl::string_view::npos ? data.size() : newline;
  // What this read holds of the line: a line split across reads counts
  // its bytes once, and its newline once.
  header_bytes_ += end - *pos + (newline == absl::string_view::npos ? 0 : 1);
  if (header_bytes_ > kMaxHeaderBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed HTTP response: headers over ", kMaxHeaderBytes, " bytes"));
  }
  if (newline == absl::string_view::npos) {
    line_.append(data.data() + *pos, data.size() - *pos);
    *pos = data.size();
    return false;
  }
  if (line_.empty()) {
    *line = data.substr(*pos, newline - *pos);
  } else {
    line_.append(data.data() + *pos, newline - *pos);
    *line = line_;
  }
  *pos = newline + 1;
  if (absl::EndsWith(*line, "\r")) line->remove_suffix(1);
  return true;
}

absl::Status HttpResponseParser::OnStatusLine(absl::string_view line) {
  // HTTP/1.x SSS[ reason], SSS from 100 (RFC 9110 15): below, the framing
  // of the body is unknown.
  if (line.size() < 12 || !absl::StartsWith(line, "HTTP/1.") ||
      !absl::ascii_isdigit(line[7]) || line[8] != ' ' ||
      !AllDigits(line.substr(9, 3)) || line[9] == '0' ||
      (line.size() > 12 && line[12] != ' ')) {
    return Malformed("status line", line);
  }
  current_ = Response{};
  current_.status =
      (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  current_.keep_alive = line[7] != '0';
  content_length_ = -1;
  chunked_ = false;
  state_ = State::kHeaders;
  return absl::OkStatus();
}

absl::Status HttpResponseParser::OnHeader(absl::string_view line) {
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return Malformed("header", line);
  }
  absl::string_view name = line.substr(0, colon);
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  if (absl::EqualsIgnoreCase(name, "Content-Length")) {
    int64_t length = 0;
    if (!AllDigits(value) || value.size() > 15) {
      return Malformed("Content-Length", value);
    }
    for (char c : value) length = length * 10 + (c - '0');
    if (content_length_ >= 0 && content_length_ != length) {
      return Malformed("conflicting Content-Length", value);
    }
    content_length_ = length;
  } else if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) {
    size_t comma = value.rfind(',');
    absl::string_view last = absl::StripAsciiWhitespace(
        comma == absl::string_view::npos ? value : value.substr(comma + 1));
    chunked_ = absl::EqualsIgnoreCase(last, "chunked");
    if (!chunked_) content_length_ = -1;
  } else if (absl::EqualsIgnoreCase(name, "Connection")) {
    if (HasToken(value, "close")) {
      current_.keep_alive = false;
    } else if (HasToken(value, "keep-alive")) {
      current_.keep_alive = true;
    }
  }
  return absl::OkStatus();
}

bool HttpResponseParser::OnHeadersEnd() {
  int status = current_.status;
  if (status >= 100 && status < 200 && status != 101) {
    state_ = State::kStatusLine;  // an interim response; the real one follows
    return false;
  }
  if (status == 101) current_.keep_alive = false;
  if (head_requests_ || status < 200 || status == 204 || status == 304) {
    return true;
  }
  if (chunked_) {
    state_ = State::kChunkSize;
    return false;
  }
  if (content_length_ >= 0) {
    remaining_ = static_cast<uint64_t>(content_length_);
    state_ = State::kBody;
    return remaining_ == 0;
  }
  current_.keep_alive = false;  // the body runs to the end of the stream
  state_ = State::kBodyUntilClose;
  return false;
}

absl::Status HttpResponseParser::OnChunkSize(absl::string_view line) {
  absl::string_view digits = line.substr(0, line.find(';'));
  digits = absl::StripAsciiWhitespace(digits);
  if (digits.empty() || digits.size() > 15) {
    return Malformed("chunk size", line);
  }
  uint64_t size = 0;
  for (char c : digits) {
    if (!absl::ascii_isxdigit(c)) return Malformed("chunk size", line);
    size =
        size * 16 +
        (absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10);
  }
  remaining_ = size;
  state_ = size == 0 ? State::kTrailers : State::kChunkData;
  header_bytes_ = 0;  // the limit is on each chunk line, not the body
  return absl::OkStatus();
}

bool HttpResponseParser::ConsumeCounted(absl::string_view data, size_t* pos) {
  uint64_t take = std::min<uint64_t>(remaining_, data.size() - *pos);
  *pos += take;
  remaining_ -= take;
  return remaining_ == 0;
}

absl::StatusOr<HttpResponseParser::Progress> HttpResponseParser::Parse(
    absl::string_view data) {
  size_t pos = 0;
  bool complete = false;
  while (pos < data.size() && !complete) {
    if (state_ == State::kBody || state_ == State::kChunkData) {
      if (!ConsumeCounted(data, &pos)) break;
      if (state_ == State::kBody) {
        complete = true;
      } else {
        state_ = State::kChunkDataEnd;
      }
      continue;
    }
    if (state_ == State::kBodyUntilClose) {
      pos = data.size();
      break;
    }
    absl::string_view line;
    absl::StatusOr<bool> have = NextLine(data, &pos, &line);
    if (!have.ok()) return have.status();
    if (!*have) break;
    absl::Status status;
    switch (state_) {
      case State::kStatusLine:
        if (!line.empty()) status = OnStatusLine(line);
        break;
      case State::kHeaders:
        if (line.empty()) {
          complete = OnHeadersEnd();
        } else {
          status = OnHeader(line);
        }
        break;
      case State::kChunkSize:
        status = OnChunkSize(line);
        break;
      case State::kChunkDataEnd:
        if (!line.empty()) status = Malformed("chunk end", line);
        state_ = State::kChunkSize;
        break;
      case State::kTrailers:
        complete = line.empty();
        break;
      default:
        break;
    }
    line_.clear();
    if (!status.ok()) return status;
  }
  if (complete) {
    response_ = current_;
    state_ = State::kStatusLine;
    header_bytes_ = 0;
  }
  return Progress{.consumed = pos, .complete = complete};
}

absl::StatusOr<bool> HttpResponseParser::Finish() {
  if (state_ == State::kBodyUntilClose) {
    response_ = current_;
    state_ = State::kStatusLine;
    return true;
  }
  if (!InResponse()) return false;
  return absl::DataLossError("the stream ended inside an HTTP response");
}

}  // namespace wasp::load
