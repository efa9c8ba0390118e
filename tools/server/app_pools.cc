#include "tools/server/app_pools.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/elf_image.h"
#include "guest/apps/echo/echo_image.h"
#include "guest/apps/http/docroot.h"
#include "guest/apps/http/http_image.h"
#include "net/native/apps.h"
#include "net/native/native_handler.h"
#include "net/native/process_session.h"
#include "net/virtine_session.h"
#include "tools/server/js_app.h"

namespace wasp {
namespace {

// Largest docroot the HTTP app takes; it lives in every virtine's memory.
constexpr size_t kMaxDocroot = 256 << 20;
// Guest memory beyond the image and the configuration: buffers, stack.
constexpr uint64_t kWorkingMemory = 1 << 20;

uint64_t MemoryFor(const Image& image, size_t config, uint64_t requested) {
  if (requested != 0) return requested;
  uint64_t bytes =
      image.load_address + image.bytes.size() + config + kWorkingMemory;
  return (bytes + (1 << 20) - 1) & ~uint64_t{(1 << 20) - 1};
}

VirtinePoolOptions VirtineOptionsFor(
    const AppOptions& options, const Image& image,
    std::shared_ptr<const std::vector<uint8_t>> config) {
  return VirtinePoolOptions{
      .memory_bytes =
          MemoryFor(image, config ? config->size() : 0, options.memory_bytes),
      .capacity = options.pool,
      .cpu_budget = options.cpu_budget,
      .config = std::move(config),
      .fresh_vm = options.fresh_vm};
}

// A user's app image: only virtines can run it (there is no native build).
absl::StatusOr<AppPools> ImagePools(const AppOptions& options) {
  if (options.isolation != Isolation::kVirtine) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--app=%s runs in virtines only: its code exists only as a guest "
        "image (drop --isolation)",
        options.image_path));
  }
  ASSIGN_OR_RETURN(OwnedImage loaded, ReadElfImage(options.image_path));
  auto owned = std::make_shared<const OwnedImage>(std::move(loaded));
  VirtinePoolOptions virtine = VirtineOptionsFor(options, owned->view(), {});
  AppPools pools;
  pools.description = absl::StrFormat(
      "app image %s; pool of %d virtines x %d KiB per worker",
      options.image_path, virtine.capacity, virtine.memory_bytes >> 10);
  // Every worker's pool views the one image, kept alive by the factory.
  pools.factory = [owned, virtine] {
    return MakeVirtinePool(owned->view(), virtine);
  };
  return pools;
}

// The user's script in the JavaScript app: checked once, then each worker's
// pool runs it from the snapshot taken after it loaded.
absl::StatusOr<AppPools> JsPools(const AppOptions& options) {
  if (options.isolation != Isolation::kVirtine) {
    return absl::InvalidArgumentError(
        "--app=js runs in virtines only: the engine exists only as a guest "
        "image (drop --isolation)");
  }
  if (options.fresh_vm) {
    return absl::InvalidArgumentError(
        "--app=js does not take --fresh_vm: its start-up is the script's "
        "load, which the snapshot exists to skip");
  }
  std::error_code error;
  uint64_t script_bytes = std::filesystem::file_size(options.script, error);
  uint64_t memory = options.memory_bytes != 0
                        ? options.memory_bytes
                        : JsMemoryFor(error ? 0 : script_bytes);
  ASSIGN_OR_RETURN(auto source,
                   LoadJsScript(options.script, memory, options.cpu_budget));
  VirtinePoolOptions virtine{.memory_bytes = memory,
                             .capacity = options.pool,
                             .cpu_budget = options.cpu_budget,
                             .config = source};
  AppPools pools;
  pools.description = absl::StrFormat(
      "script %s; pool of %d virtines x %d KiB per worker", options.script,
      virtine.capacity, virtine.memory_bytes >> 10);
  pools.factory = [virtine] { return MakeVirtinePool(JsAppImage(), virtine); };
  return pools;
}

}  // namespace

absl::StatusOr<App> ParseApp(const std::string& name) {
  if (name == "http") return App::kHttp;
  if (name == "echo") return App::kEcho;
  if (name == "js") return App::kJs;
  if (name.find('/') != std::string::npos) return App::kImage;
  return absl::InvalidArgumentError(
      absl::StrFormat("--app=%s: expected `http`, `echo`, `js` or the path of "
                      "an app image built "
                      "with wasp-app-cc (./%s for one in this directory)",
                      name, name));
}

absl::StatusOr<Isolation> ParseIsolation(const std::string& name) {
  if (name == "virtine") return Isolation::kVirtine;
  if (name == "none") return Isolation::kNone;
  if (name == "process") return Isolation::kProcess;
  return absl::InvalidArgumentError(absl::StrFormat(
      "--isolation=%s: expected `virtine`, `none` or `process`", name));
}

absl::StatusOr<AppPools> MakeAppPools(const AppOptions& options) {
  auto config = std::make_shared<std::vector<uint8_t>>();
  if (options.app == App::kHttp) {
    if (options.docroot.empty()) {
      *config = SampleDocroot();
    } else {
      ASSIGN_OR_RETURN(*config, PackDocroot(options.docroot, kMaxDocroot));
    }
  }
  std::shared_ptr<const std::vector<uint8_t>> shared_config = config;
  if (options.app == App::kImage) return ImagePools(options);
  if (options.app == App::kJs) return JsPools(options);
  Image image = options.app == App::kHttp ? images::http() : images::echo();
  NativeApp native =
      options.app == App::kHttp ? HttpNativeApp() : EchoNativeApp();
  AppPools pools;
  switch (options.isolation) {
    case Isolation::kVirtine: {
      VirtinePoolOptions virtine =
          VirtineOptionsFor(options, image, shared_config);
      pools.description = absl::StrFormat(
          options.fresh_vm ? "a new VM per run (up to %d x %d KiB per worker)"
                           : "pool of %d virtines x %d KiB per worker",
          virtine.capacity, virtine.memory_bytes >> 10);
      pools.factory = [image, virtine] {
        return MakeVirtinePool(image, virtine);
      };
      return pools;
    }
    case Isolation::kNone:
      pools.description = absl::StrFormat(
          "%d native handlers per worker (no isolation)", options.pool);
      pools.factory = [native, shared_config,
                       capacity =
                           options.pool]() -> absl::StatusOr<ServingPool> {
        ASSIGN_OR_RETURN(auto handlers, MakeNativeHandlerPool(native, capacity,
                                                              shared_config));
        return ServingPool{.handlers = std::move(handlers)};
      };
      return pools;
    case Isolation::kProcess:
      pools.description =
          absl::StrFormat("up to %d processes per worker", options.pool);
      pools.factory =
          [native, shared_config, capacity = options.pool,
           timeout = options.idle_timeout,
           budget = options.cpu_budget]() -> absl::StatusOr<ServingPool> {
        ASSIGN_OR_RETURN(
            auto sessions,
            MakeProcessPool(native, capacity, shared_config, timeout, budget));
        return ServingPool{.sessions = std::move(sessions)};
      };
      return pools;
  }
  return absl::InternalError("unknown isolation");
}

}  // namespace wasp
