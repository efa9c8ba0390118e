#include "tools/bench/scale/servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/unique_fd.h"
#include "tools/common/proc_stats.h"
#include "tools/common/wasp_server_process.h"

namespace wasp::scale {
namespace {

// A port nothing listens on now (the kernel's choice).
absl::StatusOr<int> FreePort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (!fd.valid() ||
      ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    return absl::ErrnoToStatus(errno, "choosing a free port");
  }
  return ntohs(address.sin_port);
}

bool Accepts(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return fd.valid() &&
         ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address),
                   sizeof address) == 0;
}

}  // namespace

std::string NginxConfig(const std::string& dir, int port,
                        const std::string& docroot, int max_connections,
                        int workers) {
  // As root nginx would hand its workers (and temp directories) to nobody,
  // whom a sandbox's user namespace may not know.
  return absl::StrFormat(
      "%sdaemon off;\nworker_processes %d;\nworker_rlimit_nofile %d;\n"
      "error_log stderr;\npid %s/nginx.pid;\n"
      "events { worker_connections %d; }\n"
      "http {\n  types { text/html html; text/plain txt; }\n"
      "  default_type application/octet-stream;\n  access_log off;\n"
      "  sendfile on;\n  keepalive_requests 1000000;\n"
      "  keepalive_timeout 300s;\n"
      "  open_file_cache max=1000 inactive=60s;\n"
      "  client_body_temp_path %s/body;\n  proxy_temp_path %s/proxy;\n"
      "  fastcgi_temp_path %s/fastcgi;\n  uwsgi_temp_path %s/uwsgi;\n"
      "  scgi_temp_path %s/scgi;\n"
      "  server {\n    listen 127.0.0.1:%d backlog=4096;\n    root %s;\n  }\n"
      "}\n",
      ::geteuid() == 0 ? "user root;\n" : "", workers, 2 * max_connections + 64,
      dir, max_connections + 64, dir, dir, dir, dir, dir, port, docroot);
}

namespace {

// `argv` behind taskset when the spec names a CPU list, and behind env when
// it sets variables.
std::vector<std::string> Launcher(const ServerSpec& spec,
                                  std::vector<std::string> argv) {
  std::vector<std::string> prefix;
  if (!spec.env.empty()) {
    prefix.push_back("/usr/bin/env");
    prefix.insert(prefix.end(), spec.env.begin(), spec.env.end());
  }
  if (!spec.cpus.empty()) {
    prefix.insert(prefix.end(), {"/usr/bin/taskset", "-c", spec.cpus});
  }
  prefix.insert(prefix.end(), argv.begin(), argv.end());
  return prefix;
}

int ChildCpu(const ServerSpec& spec) {
  return spec.cpus.empty() ? spec.cpu : -1;
}

std::vector<std::string> WaspServerArgs(const ServerSpec& spec) {
  std::vector<std::string> args = {spec.wasp_server, "--port=0",
                                   absl::StrCat("--app=", spec.app),
                                   absl::StrCat("--workers=", spec.workers),
                                   absl::StrCat("--isolation=", spec.config)};
  if (spec.pool > 0) args.push_back(absl::StrCat("--pool=", spec.pool));
  if (spec.max_connections > 0) {
    args.push_back(absl::StrCat("--max_connections=", spec.max_connections));
  }
  if (spec.app == "http") args.push_back("--docroot=" + spec.docroot);
  if (!spec.cpus.empty()) {
    args.push_back("--cpus=" + spec.cpus);
  } else if (spec.cpu >= 0) {
    args.push_back(absl::StrCat("--cpus=", spec.cpu));
  }
  args.insert(args.end(), spec.extra_flags.begin(), spec.extra_flags.end());
  return args;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::StartNginx(
    const ServerSpec& spec, const std::string& name, const std::string& log) {
  absl::StatusOr<int> port = FreePort();
  if (!port.ok()) return port.status();
  std::string dir = absl::StrCat(spec.work_dir, "/", name);
  ::mkdir(dir.c_str(), 0755);
  std::string conf = absl::StrCat(dir, "/nginx.conf");
  std::ofstream(conf) << NginxConfig(dir, *port, spec.docroot,
                                     std::max(spec.max_connections, 1024),
                                     spec.workers);
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      Launcher(spec, {spec.nginx, "-e", "stderr", "-c", conf, "-p", dir}),
      "/dev/null", log, ChildCpu(spec));
  if (!process.ok()) return process.status();
  absl::Time deadline = absl::Now() + kServerStartTimeout;
  while (!Accepts(*port)) {
    if (!(*process)->Running() || absl::Now() > deadline) {
      return NotServingError(**process, "nginx", log);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return std::unique_ptr<Server>(
      new Server(*std::move(process), *port, -1, log));
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerSpec& spec) {
  std::string name = spec.name.empty() ? spec.config : spec.name;
  std::string log = absl::StrCat(spec.work_dir, "/", name, ".log");
  if (spec.config == "nginx") return StartNginx(spec, name, log);
  absl::StatusOr<WaspServerProcess> server = StartWaspServer(
      Launcher(spec, WaspServerArgs(spec)),
      absl::StrCat(spec.work_dir, "/", name, ".ready"), log, ChildCpu(spec));
  if (!server.ok()) return server.status();
  return std::unique_ptr<Server>(new Server(
      std::move(server->process), server->port, server->admin_port, log));
}

std::vector<pid_t> Server::ServingPids() const {
  std::vector<pid_t> pids = ChildrenOf(process_->pid());
  pids.push_back(process_->pid());
  return pids;
}

}  // namespace wasp::scale
