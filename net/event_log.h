// One line per abnormal event on stderr, at most a few per second so that a
// flood of faults cannot flood the log; dropped lines are counted.
#ifndef WASP_NET_EVENT_LOG_H_
#define WASP_NET_EVENT_LOG_H_

#include <string_view>

namespace wasp {

void LogEvent(std::string_view line);

}  // namespace wasp

#endif  // WASP_NET_EVENT_LOG_H_
