#include "tools/load/request.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wasp::load {
namespace {

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-.^_`|~", c);
}

// Whether `text` (after spaces) starts with "Name:".
bool StartsWithHeaderName(absl::string_view text) {
  text = absl::StripLeadingAsciiWhitespace(text);
  size_t i = 0;
  while (i < text.size() && IsTokenChar(text[i])) ++i;
  return i > 0 && i < text.size() && text[i] == ':';
}

}  // namespace

std::vector<std::string> SplitHeaderList(absl::string_view list) {
  std::vector<std::string> headers;
  size_t start = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() &&
        (list[i] != ',' || !StartsWithHeaderName(list.substr(i + 1)))) {
      continue;
    }
    absl::string_view header =
        absl::StripAsciiWhitespace(list.substr(start, i - start));
    if (!header.empty()) headers.emplace_back(header);
    start = i + 1;
  }
  return headers;
}

std::vector<std::string> RepeatedFlagValues(int argc, char** argv,
                                            absl::string_view name) {
  std::vector<std::string> values;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) {
      if (!absl::ConsumePrefix(&arg, "-")) continue;
    }
    if (!absl::ConsumePrefix(&arg, name)) continue;
    if (absl::ConsumePrefix(&arg, "=")) {
      values.emplace_back(arg);
    } else if (arg.empty() && i + 1 < argc) {
      values.emplace_back(argv[++i]);
    }
  }
  return values;
}

absl::StatusOr<std::string> HttpRequest(const Target& target,
                                        absl::string_view method,
                                        const std::vector<std::string>& headers,
                                        bool keepalive) {
  if (method.empty() ||
      !std::all_of(method.begin(), method.end(), IsTokenChar)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--method=", method, " is not an HTTP method"));
  }
  std::string request = absl::StrCat(method, " ", target.path, " HTTP/1.1\r\n");
  bool has_host = false;
  std::string extra;
  for (const std::string& header : headers) {
    if (!StartsWithHeaderName(header) ||
        header.find_first_of("\r\n") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--header=", header, " is not `Name: value`"));
    }
    if (absl::StartsWithIgnoreCase(header, "host:")) has_host = true;
    absl::StrAppend(&extra, header, "\r\n");
  }
  if (!has_host)
    absl::StrAppend(&request, "Host: ", target.Authority(), "\r\n");
  absl::StrAppend(&request, extra);
  if (!keepalive) absl::StrAppend(&request, "Connection: close\r\n");
  absl::StrAppend(&request, "\r\n");
  return request;
}

std::string EchoPayload(size_t size) {
  std::string payload(size, 'x');
  for (size_t i = 0; i < size; ++i) payload[i] = 'a' + i % 26;
  return payload;
}

}  // namespace wasp::load
