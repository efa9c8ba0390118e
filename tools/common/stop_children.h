// Ends the programs a tool started (wasp-bench's servers and load tools,
// wasp-artifacts' benchmarks) when the tool is itself ended by a signal sent
// to it alone (kill PID): Ctrl-C and timeout(1) signal the whole process
// group, a plain kill does not.
#ifndef WASP_TOOLS_COMMON_STOP_CHILDREN_H_
#define WASP_TOOLS_COMMON_STOP_CHILDREN_H_

namespace wasp {

// On SIGTERM, SIGINT or SIGHUP: SIGTERM to every child process, then the
// signal's default action.
void StopChildrenOnSignal();

}  // namespace wasp

#endif  // WASP_TOOLS_COMMON_STOP_CHILDREN_H_
