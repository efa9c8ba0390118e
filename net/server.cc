#include "net/server.h"

#include <sys/socket.h>

#include "base/status_macros.h"
#include "net/metrics.h"

namespace wasp {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options, PoolFactory make_pool) {
  if (options.cpus.empty()) {
    return absl::InvalidArgumentError("a server needs at least one worker");
  }
  auto server = std::unique_ptr<Server>(new Server());
  ASSIGN_OR_RETURN(UniqueFd listener,
                   ListenTcp(options.listen, options.port, options.reuseport));
  ASSIGN_OR_RETURN(server->port_, BoundPort(listener.get()));
  UniqueFd admin;
  if (options.admin_port >= 0) {
    ASSIGN_OR_RETURN(admin, ListenTcp(options.listen, options.admin_port));
    ASSIGN_OR_RETURN(server->admin_port_, BoundPort(admin.get()));
  }
  if (options.before_threads) RETURN_IF_ERROR(options.before_threads());
  bool single = options.cpus.size() == 1;
  std::vector<Worker*> workers;
  for (size_t i = 0; i < options.cpus.size(); ++i) {
    WorkerOptions worker{.index = static_cast<int>(i),
                         .cpu = options.cpus[i],
                         .max_connections = options.max_connections,
                         .queue_limit = options.queue,
                         .idle_timeout = options.idle_timeout,
                         .http_errors = options.http_errors,
                         .access_log = options.access_log,
                         .listener = single ? listener.get() : -1};
    ASSIGN_OR_RETURN(std::unique_ptr<Worker> started,
                     Worker::Start(worker, make_pool));
    workers.push_back(started.get());
    server->workers_.push_back(std::move(started));
  }
  // After the workers: the admin thread reads workers_ from then on.
  if (admin.valid()) {
    Server* self = server.get();
    ASSIGN_OR_RETURN(server->admin_,
                     AdminServer::Start(
                         std::move(admin), [self] { return self->Metrics(); },
                         [self] { return self->serving_.load(); }));
  }
  if (single) {
    server->listener_ = std::move(listener);
  } else {
    ASSIGN_OR_RETURN(server->acceptor_,
                     Acceptor::Start(std::move(listener), std::move(workers)));
  }
  return server;
}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

std::string Server::Metrics() const {
  std::vector<const WorkerMetrics*> metrics;
  for (const auto& worker : workers_) metrics.push_back(&worker->metrics());
  return RenderMetrics(metrics);
}

void Server::Shutdown(absl::Duration grace) {
  serving_ = false;  // /readyz says so first
  if (acceptor_) acceptor_->Stop();
  // Refuses new connections now (the worker's pending accept ends).
  if (listener_.valid()) ::shutdown(listener_.get(), SHUT_RDWR);
  absl::Time deadline = absl::Now() + grace;
  for (auto& worker : workers_) worker->Drain(deadline);
  for (auto& worker : workers_) worker->Join();
  acceptor_.reset();
  listener_.reset();
  admin_.reset();
}

}  // namespace wasp
