// What the server runs for each connection: the app (echo, HTTP) under an
// isolation (virtine, native, process), as a pool factory per worker.
#ifndef WASP_TOOLS_SERVER_APP_POOLS_H_
#define WASP_TOOLS_SERVER_APP_POOLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "net/server.h"

namespace wasp {

// The built-in apps (kJs runs the user's --script), or an image of the
// user's (--app=PATH, built with the SDK's wasp-app-cc).
enum class App { kEcho, kHttp, kJs, kImage };
enum class Isolation { kVirtine, kNone, kProcess };

// "http", "echo", "js", or a path (holding a '/'): kImage.
absl::StatusOr<App> ParseApp(const std::string& name);
absl::StatusOr<Isolation> ParseIsolation(const std::string& name);

struct AppOptions {
  App app = App::kHttp;
  std::string image_path;  // kImage
  std::string script;      // kJs: the JavaScript file
  Isolation isolation = Isolation::kVirtine;
  uint64_t memory_bytes = 0;  // per virtine; 0: what the app needs
  size_t pool = 64;           // sessions per worker
  absl::Duration cpu_budget = absl::Milliseconds(100);
  absl::Duration idle_timeout = absl::Seconds(30);
  std::string docroot;    // HTTP; empty: the built-in sample site
  bool fresh_vm = false;  // virtines: a new VM per connection, booted
};

struct AppPools {
  PoolFactory factory;      // called on each worker's thread
  std::string description;  // for the start-up line
};

// Reads the docroot (HTTP) once; each worker's factory builds its own pool.
absl::StatusOr<AppPools> MakeAppPools(const AppOptions& options);

}  // namespace wasp

#endif  // WASP_TOOLS_SERVER_APP_POOLS_H_
