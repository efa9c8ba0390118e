// The guest half of a virtine function: a copy of its module holding the
// function, what it reaches, and __vcc_entry, which unpacks a call into it.
#ifndef WASP_TOOLS_VCC_PASS_GUEST_MODULE_H_
#define WASP_TOOLS_VCC_PASS_GUEST_MODULE_H_

#include <memory>

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "tools/vcc/pass/signature.h"

namespace vcc {

// `pristine` is the module before any virtine's body was replaced, so that
// a virtine calling another runs it inline.
llvm::Expected<std::unique_ptr<llvm::Module>> BuildGuestModule(
    const llvm::Module& pristine, llvm::StringRef function,
    const Signature& signature);

}  // namespace vcc

#endif  // WASP_TOOLS_VCC_PASS_GUEST_MODULE_H_
