// Drives a request handler pool the way the worker does (net/worker_
// requests.cc), with a scripted client instead of a socket: tests of
// request-scoped apps, natively and in virtines.
#ifndef WASP_TESTS_TESTING_REQUEST_DRIVER_H_
#define WASP_TESTS_TESTING_REQUEST_DRIVER_H_

#include <string>

#include "net/request_handler.h"
#include "net/request_input.h"

namespace wasp::testing {

class RequestDriver {
 public:
  explicit RequestDriver(RequestHandlerPool& pool) : pool_(pool) {}

  // The client sends `bytes`; they arrive in pieces of at most the room the
  // input has, and every run that is due happens.
  void Bytes(std::string bytes);
  // The client closes its side / the request deadline passes.
  void Close() { End(WASP_INPUT_EOF); }
  void Timeout() { End(WASP_INPUT_TIMEOUT); }

  // Added to every run's flags (WASP_INPUT_LOG: the host keeps a log).
  uint32_t input_flags = 0;

  std::string sent;     // everything the handlers answered
  std::string log;      // their access log records
  bool closed = false;  // the server would have closed the connection
  int runs = 0;
  std::string failure;  // of a failed run

 private:
  void End(uint32_t flags);
  void Run(uint32_t flags);

  RequestHandlerPool& pool_;
  PendingInput input_;
};

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_REQUEST_DRIVER_H_
