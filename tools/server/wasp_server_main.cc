// wasp-server: serves echo or HTTP with one virtine per connection (or, for
// comparison, natively or with a process per connection).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "engine/virtine.h"
#include "net/sandbox.h"
#include "tools/common/byte_size.h"
#include "tools/common/fd_limit.h"
#include "tools/common/flag_names.h"
#include "tools/server/app_pools.h"

ABSL_FLAG(std::string, app, "http",
          "`http`, `echo`, `js` (your --script answers each request), or the "
          "path of your app's image (built with the SDK's wasp-app-cc; runs "
          "in virtines)");
ABSL_FLAG(std::string, script, "",
          "with --app=js: the JavaScript file whose handle(request) answers "
          "every request (docs/js.md)");
ABSL_FLAG(std::string, listen, "127.0.0.1",
          "address to listen on: IPv4, or IPv6 (::1, [::] for all; IPv6 "
          "only, as nginx)");
ABSL_FLAG(bool, reuseport, false,
          "SO_REUSEPORT: several processes started with it share the port "
          "(the kernel spreads connections among them)");
ABSL_FLAG(int, port, 8080, "TCP port (0: any free port)");
ABSL_FLAG(int, workers, 0, "worker threads (0: one per usable core)");
ABSL_FLAG(std::string, cpus, "",
          "comma-separated CPUs to pin workers to (default: usable cores)");
ABSL_FLAG(int, pool, 64,
          "virtines running or ready per worker (with --isolation=process: "
          "processes, one per open connection)");
ABSL_FLAG(int, max_connections, 0,
          "open connections per worker; past it new ones are closed at once "
          "and counted. RLIMIT_NOFILE is raised to fit, or the server stops "
          "saying how to fix it. 0: 10,000, or as many as the descriptor "
          "limit allows (with a warning)");
ABSL_FLAG(int, queue, 1024,
          "connections per worker whose requests wait for a free virtine; "
          "past it a request is refused (HTTP: 503)");
ABSL_FLAG(std::string, mem, "auto",
          "memory per virtine (bytes, or with K/M suffix; auto: fits the app)");
ABSL_FLAG(absl::Duration, cpu_budget, absl::Milliseconds(100),
          "CPU time a virtine may use between two socket operations");
ABSL_FLAG(absl::Duration, idle_timeout, absl::Seconds(30),
          "how long a client may take to send a whole request (from the "
          "connection's start or the last response) or to read a response");
ABSL_FLAG(std::string, docroot, "",
          "directory served by the HTTP app (copied into guest memory before "
          "the snapshot); default: a built-in sample site");
ABSL_FLAG(std::string, isolation, "virtine",
          "`virtine`, `none` (the same app code natively in the worker) or "
          "`process` (a forked process per connection)");
ABSL_FLAG(bool, fresh_vm, false,
          "with --isolation=virtine: a new VM per connection, booted from the "
          "image and destroyed after it (no snapshot, no reuse): the baseline "
          "for benchmarks, not a way to serve");
ABSL_FLAG(int, admin_port, -1,
          "port of the metrics endpoint (GET /metrics); -1: none, 0: any");
ABSL_FLAG(std::string, ready_file, "",
          "once serving, write {\"pid\": N, \"port\": N, \"admin_port\": N} "
          "to this file (whole, then renamed into place; -1: no admin port): "
          "how scripts find the server");
ABSL_FLAG(std::string, access_log, "off",
          "where the access log goes (combined format, one line per "
          "request answered by a request-scoped app): a file path (appended "
          "to), `stderr` or `off`");
ABSL_FLAG(std::string, user, "",
          "once serving, switch to this user (name or uid; the server must "
          "start as root, to open /dev/kvm and bind ports first)");
ABSL_FLAG(std::string, group, "",
          "with --user: switch to this group (default: the user's)");
ABSL_FLAG(bool, sandbox, true,
          "once serving, confine the process: no new privileges, no "
          "capabilities, a seccomp filter allowing only what serving needs "
          "(docs/server.md)");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(5),
          "on SIGINT/SIGTERM, how long connections in progress may finish");

namespace wasp {
namespace {

absl::StatusOr<std::vector<int>> WorkerCpus() {
  std::vector<int> usable;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) usable.push_back(cpu);
    }
  }
  std::string list = absl::GetFlag(FLAGS_cpus);
  if (!list.empty()) {
    usable.clear();
    for (absl::string_view item : absl::StrSplit(list, ',')) {
      int cpu;
      if (!absl::SimpleAtoi(item, &cpu) || cpu < 0 || cpu >= CPU_SETSIZE) {
        return absl::InvalidArgumentError(
            absl::StrFormat("--cpus=%s: `%s` is not a CPU number", list, item));
      }
      usable.push_back(cpu);
    }
  }
  if (usable.empty()) usable.push_back(-1);
  int workers = absl::GetFlag(FLAGS_workers);
  if (workers < 0) return absl::InvalidArgumentError("--workers must be >= 0");
  if (workers == 0) workers = static_cast<int>(usable.size());
  std::vector<int> cpus;
  for (int i = 0; i < workers; ++i) cpus.push_back(usable[i % usable.size()]);
  return cpus;
}

absl::StatusOr<AppOptions> AppOptionsFromFlags() {
  AppOptions app;
  ASSIGN_OR_RETURN(app.app, ParseApp(absl::GetFlag(FLAGS_app)));
  app.image_path = absl::GetFlag(FLAGS_app);
  app.script = absl::GetFlag(FLAGS_script);
  if (app.app == App::kJs && app.script.empty()) {
    return absl::InvalidArgumentError(
        "--app=js needs --script=FILE: the JavaScript file that defines "
        "handle(request)");
  }
  if (app.app != App::kJs && !app.script.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--script=", app.script,
        " needs --app=js (not --app=", absl::GetFlag(FLAGS_app), ")"));
  }
  ASSIGN_OR_RETURN(app.isolation,
                   ParseIsolation(absl::GetFlag(FLAGS_isolation)));
  std::string mem = absl::GetFlag(FLAGS_mem);
  if (mem != "auto") {
    ASSIGN_OR_RETURN(app.memory_bytes, ParseByteSize("mem", mem));
  }
  if (absl::GetFlag(FLAGS_pool) <= 0) {
    return absl::InvalidArgumentError("--pool must be at least 1");
  }
  app.pool = static_cast<size_t>(absl::GetFlag(FLAGS_pool));
  app.cpu_budget = absl::GetFlag(FLAGS_cpu_budget);
  app.idle_timeout = absl::GetFlag(FLAGS_idle_timeout);
  app.docroot = absl::GetFlag(FLAGS_docroot);
  app.fresh_vm = absl::GetFlag(FLAGS_fresh_vm);
  if (app.fresh_vm && app.isolation != Isolation::kVirtine) {
    return absl::InvalidArgumentError(
        "--fresh_vm needs --isolation=virtine (it makes a VM per connection)");
  }
  return app;
}

constexpr int kDefaultMaxConnections = 10000;

// The access log's file; an invalid fd for `off` and `stderr`.
absl::StatusOr<UniqueFd> OpenAccessLog(const std::string& where) {
  if (where == "off" || where == "stderr") return UniqueFd();
  UniqueFd fd(
      ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("--access-log=", where, ": cannot open it"));
  }
  return fd;
}

// "::1" as it goes before ":port" in a URL: "[::1]".
std::string HostForUrl(const std::string& address) {
  bool ipv6 = address.find(':') != std::string::npos && address[0] != '[';
  return ipv6 ? absl::StrCat("[", address, "]") : address;
}

// Raises RLIMIT_NOFILE for `requested` connections per worker (a
// descriptor each, plus the pools' and the server's own). 0 asks for the
// default, lowered with a warning where the hard limit cannot be raised;
// an explicit number that does not fit is an error saying how to fix it.
absl::StatusOr<int> FitMaxConnections(int requested, int workers, int pool) {
  if (requested < 0) {
    return absl::InvalidArgumentError("--max-connections must be >= 0");
  }
  const uint64_t own = uint64_t{4} * pool * workers + 64;
  int wanted = requested > 0 ? requested : kDefaultMaxConnections;
  absl::Status fits = RaiseDescriptorLimit(uint64_t(wanted) * workers + own);
  if (fits.ok()) return wanted;
  if (requested > 0) {
    return absl::Status(fits.code(),
                        absl::StrFormat("--max-connections=%d x %d workers %s",
                                        requested, workers, fits.message()));
  }
  rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max <= own ||
      !RaiseDescriptorLimit(limit.rlim_max).ok()) {
    return absl::Status(fits.code(), fits.message());
  }
  int fitting = static_cast<int>(
      std::min<uint64_t>((limit.rlim_max - own) / workers, wanted));
  absl::FPrintF(stderr,
                "wasp-server: warning: %d connections per worker, not %d: "
                "RLIMIT_NOFILE's hard limit is %d (raise it, e.g. in "
                "/etc/security/limits.conf, or give --max-connections)\n",
                fitting, wanted, limit.rlim_max);
  return fitting;
}

// Written under a temporary name and renamed, so a reader never sees half.
absl::Status WriteReadyFile(const std::string& path, int port, int admin_port) {
  std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("cannot create ", temporary));
  }
  absl::FPrintF(file, "{\"pid\": %d, \"port\": %d, \"admin_port\": %d}\n",
                ::getpid(), port, admin_port);
  if (std::fclose(file) != 0 || std::rename(temporary.c_str(), path.c_str())) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "serves echo, HTTP or a JavaScript function, one virtine per "
      "connection or request.\n"
      "  wasp-server [--app=http|echo|js --script=FILE] [--port=8080] "
      "[--isolation=virtine] "
      "...\nSIGINT/SIGTERM: stop accepting, finish, exit 0. Flags may be "
      "written with dashes too (--cpu-budget=50ms).");
  ListToolFlagsInHelp();
  UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  // Only the main thread takes SIGINT/SIGTERM; threads inherit the mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::vector<int>> cpus = WorkerCpus();
  absl::StatusOr<AppOptions> app = AppOptionsFromFlags();
  for (const absl::Status& status : {cpus.status(), app.status()}) {
    if (!status.ok()) {
      absl::FPrintF(stderr, "wasp-server: %s\n", status.message());
      return 2;
    }
  }
  std::optional<Identity> identity;
  if (std::string user = absl::GetFlag(FLAGS_user); !user.empty()) {
    absl::StatusOr<Identity> found =
        LookUpIdentity(user, absl::GetFlag(FLAGS_group));
    if (!found.ok()) {
      absl::FPrintF(stderr, "wasp-server: %s\n", found.status().message());
      return 2;
    }
    identity = *found;
  } else if (!absl::GetFlag(FLAGS_group).empty()) {
    absl::FPrintF(stderr, "wasp-server: --group needs --user\n");
    return 2;
  }
  absl::StatusOr<int> max_connections =
      FitMaxConnections(absl::GetFlag(FLAGS_max_connections),
                        static_cast<int>(cpus->size()), app->pool);
  if (!max_connections.ok()) {
    absl::FPrintF(stderr, "wasp-server: %s\n",
                  max_connections.status().message());
    return 2;
  }
  absl::StatusOr<AppPools> pools = MakeAppPools(*app);
  if (!pools.ok()) {
    absl::FPrintF(stderr, "wasp-server: %s\n", pools.status().ToString());
    return 1;
  }
  ServerOptions options{
      .listen = absl::GetFlag(FLAGS_listen),
      .reuseport = absl::GetFlag(FLAGS_reuseport),
      .port = absl::GetFlag(FLAGS_port),
      .admin_port = absl::GetFlag(FLAGS_admin_port),
      .cpus = *cpus,
      .max_connections = static_cast<size_t>(*max_connections),
      .queue = static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_queue))),
      .idle_timeout = app->idle_timeout,
      .http_errors = app->app == App::kHttp || app->app == App::kJs};
  absl::StatusOr<UniqueFd> access_log =
      OpenAccessLog(absl::GetFlag(FLAGS_access_log));
  if (!access_log.ok()) {
    absl::FPrintF(stderr, "wasp-server: %s\n", access_log.status().message());
    return 2;
  }
  options.access_log = absl::GetFlag(FLAGS_access_log) == "stderr"
                           ? STDERR_FILENO
                           : access_log->get();
  // Before any thread starts, which then inherit what was given up (the uid
  // of every thread, capabilities and no_new_privs of each): /dev/kvm is
  // open and the ports are bound by then.
  const bool sandbox = absl::GetFlag(FLAGS_sandbox);
  const bool kvm = app->isolation == Isolation::kVirtine;
  options.before_threads = [&identity, sandbox, kvm]() -> absl::Status {
    if (kvm) RETURN_IF_ERROR(OpenKvm());
    if (identity) RETURN_IF_ERROR(SwitchIdentity(*identity));
    return sandbox ? DropPrivileges() : absl::OkStatus();
  };
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options, pools->factory);
  if (!server.ok()) {
    absl::FPrintF(stderr, "wasp-server: %s\n", server.status().ToString());
    return 1;
  }
  absl::FPrintF(
      stderr,
      "wasp-server: listening on %s:%d%s; app %s, isolation %s; %d workers "
      "pinned to cpus %s; %s; up to %d connections, queue %d per worker\n",
      HostForUrl(options.listen), (*server)->port(),
      (*server)->admin_port() >= 0
          ? absl::StrFormat(" (metrics on %s:%d/metrics)",
                            HostForUrl(options.listen), (*server)->admin_port())
          : "",
      absl::GetFlag(FLAGS_app), absl::GetFlag(FLAGS_isolation),
      options.cpus.size(), absl::StrJoin(options.cpus, ","), pools->description,
      options.max_connections, options.queue);
  if (std::string ready = absl::GetFlag(FLAGS_ready_file); !ready.empty()) {
    if (absl::Status written =
            WriteReadyFile(ready, (*server)->port(), (*server)->admin_port());
        !written.ok()) {
      absl::FPrintF(stderr, "wasp-server: --ready_file: %s\n",
                    written.message());
      return 1;
    }
  }
  if (absl::GetFlag(FLAGS_sandbox)) {
    if (absl::Status confined = ConfineServingProcess(); !confined.ok()) {
      absl::FPrintF(stderr, "wasp-server: --sandbox: %s\n", confined.message());
      return 1;
    }
    if (!SeccompInThisBuild()) {
      absl::FPrintF(stderr,
                    "wasp-server: --sandbox: no seccomp filter in a "
                    "sanitizer build\n");
    }
  }
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  absl::FPrintF(stderr,
                "wasp-server: %s: finishing connections (up to %s), then "
                "exiting\n",
                strsignal(signal_number),
                absl::FormatDuration(absl::GetFlag(FLAGS_shutdown_grace)));
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  absl::FPrintF(stderr, "wasp-server: stopped\n");
  return 0;
}

}  // namespace
}  // namespace wasp

int main(int argc, char** argv) { return wasp::Main(argc, argv); }
