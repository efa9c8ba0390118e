#include "net/admin.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    UniqueFd listener, std::function<std::string()> metrics,
    std::function<bool()> ready) {
  auto admin = std::unique_ptr<AdminServer>(new AdminServer(
      std::move(listener), std::move(metrics), std::move(ready)));
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
  auto is = [line](absl::string_view path) {
    return absl::StartsWith(line, absl::StrCat("GET ", path, " ")) ||
           absl::StartsWith(line, absl::StrCat("GET ", path, "?"));
  };
  const char* status = "200 OK";
  std::string body;
  if (is("/metrics")) {
    body = metrics_();
  } else if (is("/healthz")) {
    body = "ok\n";
  } else if (is("/readyz")) {
    bool ready = ready_();
    status = ready ? "200 OK" : "503 Service Unavailable";
    body = ready ? "ready\n" : "draining\n";
  } else {
    status = "404 Not Found";
    body = "not found; try /metrics, /healthz or /readyz\n";
  }
  std::string response = absl::StrFormat(
      "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
      "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
      status, body.size(), body);
  for (size_t sent = 0; sent < response.size();) {
    ssize_t m = ::send(client, response.data() + sent, response.size() - sent,
                       MSG_NOSIGNAL);
    if (m <= 0) return;
    sent += static_cast<size_t>(m);
  }
}

}  // namespace wasp
