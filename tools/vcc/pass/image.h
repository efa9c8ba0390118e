// Turns a guest module into the flat image Wasp loads: clang compiles it,
// ld links it with the virtine runtime (libvcc_guest.a, guest.ld), and the
// ELF's loadable bytes are laid out from the load address.
#ifndef WASP_TOOLS_VCC_PASS_IMAGE_H_
#define WASP_TOOLS_VCC_PASS_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

namespace vcc {

struct GuestImage {
  std::vector<uint8_t> bytes;
  uint64_t load_address = 0;
  uint64_t entry = 0;
  uint64_t read_only_size = 0;
};

struct Toolchain {
  std::string clang;        // the compiler running this pass
  std::string ld;           // GNU ld
  std::string runtime_dir;  // holds libvcc_guest.a and guest.ld
  bool keep_files = false;  // VCC_KEEP=1: leave the temporary directory
};

// Where the tools are: VCC_RUNTIME_DIR, else the directory of this plugin.
llvm::Expected<Toolchain> FindToolchain();

llvm::Expected<GuestImage> BuildImage(llvm::Module& module,
                                      const Toolchain& toolchain);

}  // namespace vcc

#endif  // WASP_TOOLS_VCC_PASS_IMAGE_H_
