// The JavaScript app (--app=js --script=FILE): the user's script, read and
// loaded once in a virtine before the server starts, so that a script that
// cannot serve stops the server with the reason rather than failing every
// request.
#ifndef WASP_TOOLS_SERVER_JS_APP_H_
#define WASP_TOOLS_SERVER_JS_APP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/image.h"

namespace wasp {

// Guest memory of a JavaScript virtine for a script of `script_bytes`
// (--mem=auto): Duktape's heap and the script's data fit in a few MiB.
uint64_t JsMemoryFor(size_t script_bytes);

// The app's image (guest/apps/js).
Image JsAppImage();

// Reads the script at `path` and runs its top level as the app does before
// its snapshot, in a virtine of `memory_bytes` within `budget`. The source
// (the app's configuration), or an error naming the file and what Duktape
// said (a syntax error and its line, an exception at load, no handle()),
// or the limit it broke and how to raise it.
absl::StatusOr<std::shared_ptr<const std::vector<uint8_t>>> LoadJsScript(
    const std::string& path, uint64_t memory_bytes, absl::Duration budget);

}  // namespace wasp

#endif  // WASP_TOOLS_SERVER_JS_APP_H_
