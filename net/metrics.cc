#include "net/metrics.h"

#include "absl/strings/str_format.h"

namespace wasp {
namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
  double (*value)(const WorkerMetrics&);
};

template <auto member>
double Read(const WorkerMetrics& m) {
  return static_cast<double>((m.*member).load(std::memory_order_relaxed));
}

double ExitsPerResponse(const WorkerMetrics& m) {
  uint64_t responses = m.responses.load(std::memory_order_relaxed);
  return responses == 0 ? 0
                        : static_cast<double>(m.exits.load()) /
                              static_cast<double>(responses);
}

constexpr Family kFamilies[] = {
    {"wasp_connections_total", "counter", "Connections accepted.",
     Read<&WorkerMetrics::connections_total>},
    {"wasp_connections_refused_total", "counter",
     "Connections refused at once: the worker had --max-connections open "
     "(or, with a session per connection, its pool and queue were full).",
     Read<&WorkerMetrics::connections_refused>},
    {"wasp_accept_errors_total", "counter",
     "Accepts that failed (out of descriptors or memory); the connections "
     "wait in the listen backlog and accepting resumes 100 ms later.",
     Read<&WorkerMetrics::accept_errors>},
    {"wasp_connections_open", "gauge", "Connections open.",
     Read<&WorkerMetrics::connections_open>},
    {"wasp_connections_idle", "gauge",
     "Open connections waiting for their client, holding no virtine.",
     Read<&WorkerMetrics::connections_idle>},
    {"wasp_connections_active", "gauge",
     "Open connections holding a virtine (or session) or sending a response.",
     Read<&WorkerMetrics::connections_active>},
    {"wasp_connections_max", "gauge", "--max-connections of the worker.",
     Read<&WorkerMetrics::max_connections>},
    {"wasp_requests_waiting", "gauge",
     "Connections with requests waiting for a free virtine.",
     Read<&WorkerMetrics::connections_queued>},
    {"wasp_requests_rejected_total", "counter",
     "Requests refused because the queue for a free virtine was full (HTTP: "
     "503).",
     Read<&WorkerMetrics::requests_rejected>},
    {"wasp_requests_unserved_total", "counter",
     "Requests refused (HTTP: 503) because no virtine or process could be "
     "made for them: the host was out of memory or descriptors.",
     Read<&WorkerMetrics::requests_unserved>},
    {"wasp_runs_total", "counter",
     "Runs of request-scoped handlers (each answers the requests it finds).",
     Read<&WorkerMetrics::runs>},
    {"wasp_responses_total", "counter",
     "Responses: runs that sent output, or send operations of sessions.",
     Read<&WorkerMetrics::responses>},
    {"wasp_hibernated_bytes", "gauge",
     "Host memory held by hibernated virtines (their pages and registers).",
     Read<&WorkerMetrics::hibernated_bytes>},
    {"wasp_hibernations_total", "counter",
     "Virtines parked while their connection waited.",
     Read<&WorkerMetrics::hibernations>},
    {"wasp_reset_failures_total", "counter",
     "Virtines that could not be reset and were discarded.",
     Read<&WorkerMetrics::reset_failures>},
    {"wasp_bytes_received_total", "counter", "Bytes received from clients.",
     Read<&WorkerMetrics::bytes_received>},
    {"wasp_bytes_sent_total", "counter", "Bytes sent to clients.",
     Read<&WorkerMetrics::bytes_sent>},
    {"wasp_vm_exits_total", "counter", "VM exits of connection virtines.",
     Read<&WorkerMetrics::exits>},
    {"wasp_exits_per_response", "gauge",
     "VM exits per send operation (wasp_vm_exits_total / "
     "wasp_responses_total).",
     ExitsPerResponse},
    {"wasp_resets_total", "counter",
     "Pooled virtines reset for reuse (after a run, or after a "
     "connection's session); 0 for native code, processes and fresh VMs.",
     Read<&WorkerMetrics::resets>},
    {"wasp_guest_faults_total", "counter",
     "Connections ended by a guest fault.", Read<&WorkerMetrics::guest_faults>},
    {"wasp_budget_timeouts_total", "counter",
     "Connections ended by an exceeded CPU budget.",
     Read<&WorkerMetrics::budget_timeouts>},
    {"wasp_pool_in_use", "gauge", "Virtines (or sessions) in use.",
     Read<&WorkerMetrics::pool_in_use>},
    {"wasp_pool_capacity", "gauge", "Virtines (or sessions) per worker.",
     Read<&WorkerMetrics::pool_capacity>},
};

}  // namespace

std::string RenderMetrics(const std::vector<const WorkerMetrics*>& workers) {
  std::string out;
  for (const Family& family : kFamilies) {
    absl::StrAppendFormat(&out, "# HELP %s %s\n# TYPE %s %s\n", family.name,
                          family.help, family.name, family.type);
    for (size_t i = 0; i < workers.size(); ++i) {
      absl::StrAppendFormat(&out, "%s{worker=\"%d\"} %.15g\n", family.name, i,
                            family.value(*workers[i]));
    }
  }
  return out;
}

}  // namespace wasp
