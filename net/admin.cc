#include "net/admin.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    UniqueFd listener, std::function<std::string()> metrics) {
  auto admin = std::unique_ptr<AdminServer>(
      new AdminServer(std::move(listener), std::move(metrics)));
  admin->thread_ = std::thread(&AdminServer::Loop, admin.get());
  return admin;
}

AdminServer::~AdminServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void AdminServer::Loop() {
  while (!stop_) {
    pollfd ready = {.fd = listener_.get(), .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (client.valid()) Serve(client.get());
  }
}

void AdminServer::Serve(int client) {
  timeval timeout = {.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  char request[2048];
  ssize_t n = ::recv(client, request, sizeof request - 1, 0);
  if (n <= 0) return;
  absl::string_view line(request, static_cast<size_t>(n));
  bool metrics = absl::StartsWith(line, "GET /metrics ") ||
                 absl::StartsWith(line, "GET /metrics?");
  std::string body = metrics ? metrics_() : "not found; try /metrics\n";
  std::string response = absl::StrFormat(
      "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
      "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
      metrics ? "200 OK" : "404 Not Found", body.size(), body);
  for (size_t sent = 0; sent < response.size();) {
    ssize_t m = ::send(client, response.data() + sent, response.size() - sent,
                       MSG_NOSIGNAL);
    if (m <= 0) return;
    sent += static_cast<size_t>(m);
  }
}

}  // namespace wasp
