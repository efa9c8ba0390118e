// How a virtine function's IR signature crosses the boundary: which
// parameters travel in the argument struct, which are buffers copied in and
// back, and where the return value goes. clang has already lowered the C
// signature (small structs coerced to integers, large ones byval, struct
// returns sret), so the IR signature is the ABI and both sides agree on it.
#ifndef WASP_TOOLS_VCC_PASS_SIGNATURE_H_
#define WASP_TOOLS_VCC_PASS_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/Support/Error.h"

namespace vcc {

// What <virtine.h> attached to one function (llvm.global.annotations).
struct Annotations {
  std::string file;
  unsigned line = 0;
  std::optional<uint64_t> memory;     // virtine_memory(bytes)
  std::optional<uint64_t> allowlist;  // virtine_whitelist(mask)
  struct Buffer {
    std::string kind;   // virtine_in, virtine_out, virtine_inout, virtine_str
    std::string param;  // the pointer parameter's name
    std::string count;  // a parameter's name or a number; "" for strings
  };
  std::vector<Buffer> buffers;
};

struct Param {
  enum class Kind {
    kValue,   // a field of the argument struct
    kByVal,   // a field holding the pointee (byval)
    kBuffer,  // buffers[buffer]
    kSRet,    // the return area
  };
  Kind kind = Kind::kValue;
  unsigned field = 0;   // kValue, kByVal
  unsigned buffer = 0;  // kBuffer
};

struct Buffer {
  unsigned param = 0;  // the pointer's argument number
  llvm::Type* element = nullptr;
  uint64_t element_size = 0;
  std::optional<unsigned> count_param;  // else count_value
  uint64_t count_value = 1;
  uint32_t direction = 0;  // WASP_VCC_IN | WASP_VCC_OUT
  bool string = false;
};

struct Signature {
  std::vector<Param> params;  // one per IR argument
  llvm::StructType* args = nullptr;
  std::vector<Buffer> buffers;
  // What the return area holds: the return type, the sret pointee, or
  // nothing (void).
  llvm::Type* result = nullptr;
  uint64_t result_size = 0;
};

// Plans `function`'s crossing, or says (naming the parameter) why it cannot
// be a virtine.
llvm::Expected<Signature> PlanSignature(llvm::Function& function,
                                        const Annotations& annotations);

}  // namespace vcc

#endif  // WASP_TOOLS_VCC_PASS_SIGNATURE_H_
