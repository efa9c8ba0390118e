// The host half of a virtine function: its image embedded in the host
// object, and its body replaced by a call into the vcc runtime
// (tools/vcc/runtime.h) that runs the image with the arguments.
#ifndef WASP_TOOLS_VCC_PASS_HOST_STUB_H_
#define WASP_TOOLS_VCC_PASS_HOST_STUB_H_

#include "llvm/IR/Function.h"
#include "tools/vcc/pass/image.h"
#include "tools/vcc/pass/signature.h"

namespace vcc {

void ReplaceWithCall(llvm::Function& function, const Signature& signature,
                     const GuestImage& image, const Annotations& annotations);

}  // namespace vcc

#endif  // WASP_TOOLS_VCC_PASS_HOST_STUB_H_
