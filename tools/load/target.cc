#include "tools/load/target.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace wasp::load {
namespace {

absl::Status BadTarget(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("target `", url, "`: ", why,
                   " (want http://HOST[:PORT][/PATH] or tcp://HOST:PORT)"));
}

// Splits "host:port" or "[v6]:port" into its parts; port -1 if absent.
absl::Status SplitAuthority(absl::string_view url, absl::string_view authority,
                            Target* target) {
  absl::string_view port_text;
  bool has_port = false;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return BadTarget(url, "unclosed `[` in the host");
    }
    target->host = std::string(authority.substr(1, close - 1));
    absl::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return BadTarget(url, "junk after `]`");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != absl::string_view::npos && authority.find(':') != colon) {
      return BadTarget(url, "an IPv6 host needs brackets");
    }
    target->host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (target->host.empty()) return BadTarget(url, "no host");
  target->port = -1;
  if (has_port) {
    int port;
    if (!absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535 ||
        !absl::ascii_isdigit(port_text.empty() ? 'x' : port_text[0])) {
      return BadTarget(url, absl::StrCat("bad port `", port_text, "`"));
    }
    target->port = port;
  }
  return absl::OkStatus();
}

}  // namespace

std::string Target::Authority() const {
  bool v6 = host.find(':') != std::string::npos;
  return v6 ? absl::StrCat("[", host, "]:", port)
            : absl::StrCat(host, ":", port);
}

std::string Target::ToString() const {
  return protocol == Protocol::kHttp
             ? absl::StrCat("http://", Authority(), path)
             : absl::StrCat("tcp://", Authority());
}

absl::StatusOr<Target> ParseTarget(absl::string_view url) {
  Target target;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "http://")) {
    target.protocol = Protocol::kHttp;
  } else if (absl::ConsumePrefix(&rest, "tcp://")) {
    target.protocol = Protocol::kEcho;
  } else if (absl::StartsWith(url, "https://")) {
    return BadTarget(url, "https is not supported");
  } else {
    return BadTarget(url, "unknown scheme");
  }
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  absl::Status split = SplitAuthority(url, authority, &target);
  if (!split.ok()) return split;
  if (target.protocol == Protocol::kHttp) {
    if (target.port < 0) target.port = 80;
    target.path = slash == absl::string_view::npos
                      ? "/"
                      : std::string(rest.substr(slash));
    for (char c : target.path) {
      if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
        return BadTarget(url, "the path holds a space or control byte");
      }
    }
  } else {
    if (target.port < 0) return BadTarget(url, "tcp:// needs a port");
    if (slash != absl::string_view::npos && slash + 1 != rest.size()) {
      return BadTarget(url, "tcp:// takes no path");
    }
  }
  return target;
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  sockaddr_in6 v6 = {};
  v6.sin6_family = AF_INET6;
  if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    return IsLoopbackAddress(reinterpret_cast<const sockaddr*>(&v6));
  }
  return false;
}

bool IsLoopbackAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  if (address->sa_family == AF_INET6) {
    const in6_addr& a =
        reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a) ||
           (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
  }
  return false;
}

absl::Status CheckTargetAllowed(const Target& target, bool allow_remote) {
  if (allow_remote || IsLoopbackHost(target.host)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "refusing to send load to `", target.host,
      "`: it is not a loopback address (127.0.0.0/8, ::1, localhost); pass "
      "--allow_remote to load a server of yours on another machine"));
}

absl::StatusOr<SocketAddress> ResolveTarget(const Target& target,
                                            bool allow_remote) {
  absl::Status allowed = CheckTargetAllowed(target, allow_remote);
  if (!allowed.ok()) return allowed;
  addrinfo hints = {};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = absl::StrCat(target.port);
  int err = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found);
  if (err != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve `", target.host,
                                               "`: ", gai_strerror(err)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found,
                                                           &freeaddrinfo);
  // IPv4 first: `localhost` often lists ::1 first while servers here listen
  // on 127.0.0.1.
  for (int family : {AF_INET, AF_INET6}) {
    for (addrinfo* info = found; info != nullptr; info = info->ai_next) {
      if (info->ai_family != family) continue;
      if (!allow_remote && !IsLoopbackAddress(info->ai_addr)) continue;
      SocketAddress address;
      std::memcpy(&address.storage, info->ai_addr, info->ai_addrlen);
      address.length = info->ai_addrlen;
      return address;
    }
  }
  return absl::PermissionDeniedError(
      absl::StrCat("`", target.host,
                   "` does not resolve to a loopback address; pass "
                   "--allow_remote to send load elsewhere"));
}

}  // namespace wasp::load
