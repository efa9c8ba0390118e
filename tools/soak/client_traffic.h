// The soak's own clients, each kind on its own thread at a steady rate,
// alongside the wasp-load children: slow readers, resets, oversized heads,
// and the hostile app's FAULT, LOOP and echo connections.
#ifndef WASP_TOOLS_SOAK_CLIENT_TRAFFIC_H_
#define WASP_TOOLS_SOAK_CLIENT_TRAFFIC_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "tools/soak/exchanges.h"
#include "tools/soak/traffic.h"

namespace wasp::soak {

struct ClientPlan {
  int http_port = 0;
  int hostile_port = 0;
  SlowRead slow_read;
  int slow_readers = 2;     // each reads the large file again and again
  double reset_per_s = 10;  // per second; 0: none
  double oversized_per_s = 5;
  double hostile_bad_per_s = 1;  // FAULT and LOOP in turn
  double hostile_echo_per_s = 10;
};

class ClientTraffic final {
 public:
  // Starts the threads; they count into `counters`, which must outlive them.
  ClientTraffic(const ClientPlan& plan, TrafficCounters* counters);
  // Stops, letting exchanges in progress end.
  ~ClientTraffic();
  ClientTraffic(const ClientTraffic&) = delete;
  ClientTraffic& operator=(const ClientTraffic&) = delete;

 private:
  // Calls `once(i)` for i = 0, 1, ... at `per_s` a second until stopped;
  // a late call does not bring on a burst to catch up.
  void Paced(double per_s, const std::function<void(int64_t)>& once);
  void Count(TrafficKind kind, const Exchange& exchange);
  void Start(double per_s, std::function<void(int64_t)> once);

  TrafficCounters* const counters_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace wasp::soak

#endif  // WASP_TOOLS_SOAK_CLIENT_TRAFFIC_H_
