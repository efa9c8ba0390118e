#include "tools/vcc/pass/guest_module.h"

#include "guest/abi/vcc_call.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"
#include "llvm/Transforms/Utils/Cloning.h"

#define VCC_STRINGIFY_(x) #x
#define VCC_STRINGIFY(x) VCC_STRINGIFY_(x)

namespace vcc {
namespace {

llvm::Error Refuse(const llvm::Twine& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

// __vcc_entry(args, buffers, ret): loads each parameter from where the call
// put it and stores the return value.
void BuildEntry(llvm::Module& module, llvm::Function& function,
                const Signature& signature) {
  llvm::LLVMContext& context = module.getContext();
  llvm::Type* bytes = llvm::Type::getInt8PtrTy(context);
  auto* type =
      llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                              {bytes, bytes->getPointerTo(), bytes}, false);
  auto* entry = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                       VCC_STRINGIFY(WASP_VCC_ENTRY), module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "", entry));
  llvm::Value* args =
      b.CreateBitCast(entry->getArg(0), signature.args->getPointerTo());
  std::vector<llvm::Value*> values;
  for (llvm::Argument& arg : function.args()) {
    const Param& param = signature.params[arg.getArgNo()];
    switch (param.kind) {
      case Param::Kind::kValue:
        values.push_back(
            b.CreateLoad(arg.getType(),
                         b.CreateStructGEP(signature.args, args, param.field)));
        break;
      case Param::Kind::kByVal:
        values.push_back(b.CreateStructGEP(signature.args, args, param.field));
        break;
      case Param::Kind::kBuffer: {
        llvm::Value* slot =
            b.CreateConstGEP1_32(bytes, entry->getArg(1), param.buffer);
        values.push_back(
            b.CreateBitCast(b.CreateLoad(bytes, slot), arg.getType()));
        break;
      }
      case Param::Kind::kSRet:
        values.push_back(b.CreateBitCast(entry->getArg(2), arg.getType()));
        break;
    }
  }
  llvm::CallInst* call =
      b.CreateCall(function.getFunctionType(), &function, values);
  call->setAttributes(function.getAttributes());
  if (!function.getReturnType()->isVoidTy()) {
    b.CreateStore(call, b.CreateBitCast(entry->getArg(2),
                                        call->getType()->getPointerTo()));
  }
  b.CreateRetVoid();
}

// Only what __vcc_entry reaches stays: everything else becomes internal,
// and global DCE removes what nothing uses.
void KeepOnlyEntry(llvm::Module& module) {
  for (const char* name :
       {"llvm.global.annotations", "llvm.used", "llvm.compiler.used",
        "llvm.global_ctors", "llvm.global_dtors"}) {
    if (llvm::GlobalVariable* g = module.getNamedGlobal(name)) {
      g->eraseFromParent();
    }
  }
  for (llvm::GlobalValue& value : module.global_values()) {
    if (value.isDeclaration() ||
        value.getName() == VCC_STRINGIFY(WASP_VCC_ENTRY)) {
      continue;
    }
    value.setLinkage(llvm::GlobalValue::InternalLinkage);
    value.setVisibility(llvm::GlobalValue::DefaultVisibility);
    if (auto* object = llvm::dyn_cast<llvm::GlobalObject>(&value)) {
      object->setComdat(nullptr);
    }
  }
  llvm::PassBuilder builder;
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgscc);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgscc, modules);
  llvm::ModulePassManager passes;
  passes.addPass(llvm::GlobalDCEPass());
  passes.run(module, modules);
}

llvm::Error CheckReachable(const llvm::Module& module) {
  for (const llvm::GlobalVariable& global : module.globals()) {
    if (global.isThreadLocal()) {
      return Refuse("it uses the thread-local variable '" + global.getName() +
                    "': a virtine has no threads and no thread pointer");
    }
  }
  for (const llvm::Function& function : module) {
    if (function.hasFnAttribute(llvm::Attribute::SanitizeAddress) ||
        function.hasFnAttribute(llvm::Attribute::SanitizeThread) ||
        function.hasFnAttribute(llvm::Attribute::SanitizeMemory) ||
        function.hasFnAttribute(llvm::Attribute::SanitizeHWAddress)) {
      return Refuse("'" + function.getName() +
                    "' is built with a sanitizer, whose runtime a virtine "
                    "does not have: build virtines without -fsanitize");
    }
  }
  return llvm::Error::success();
}

// The guest has no stack protector runtime and is compiled optimised; its
// code runs with interrupts off but must not rely on a red zone either.
void AdaptAttributes(llvm::Module& module) {
  for (llvm::Function& function : module) {
    for (auto kind :
         {llvm::Attribute::StackProtect, llvm::Attribute::StackProtectStrong,
          llvm::Attribute::StackProtectReq, llvm::Attribute::OptimizeNone}) {
      function.removeFnAttr(kind);
    }
    function.addFnAttr(llvm::Attribute::NoRedZone);
  }
}

// The host was compiled position-independent; the image is linked at a
// fixed address.
void DropPicFlags(llvm::Module& module) {
  llvm::NamedMDNode* flags = module.getModuleFlagsMetadata();
  if (!flags) return;
  std::vector<llvm::MDNode*> kept;
  for (llvm::MDNode* flag : flags->operands()) {
    auto* key = llvm::dyn_cast<llvm::MDString>(flag->getOperand(1));
    if (key &&
        (key->getString() == "PIC Level" || key->getString() == "PIE Level")) {
      continue;
    }
    kept.push_back(flag);
  }
  flags->clearOperands();
  for (llvm::MDNode* flag : kept) flags->addOperand(flag);
}

}  // namespace

llvm::Expected<std::unique_ptr<llvm::Module>> BuildGuestModule(
    const llvm::Module& pristine, llvm::StringRef function,
    const Signature& signature) {
  std::unique_ptr<llvm::Module> module = llvm::CloneModule(pristine);
  llvm::Function* virtine = module->getFunction(function);
  if (!virtine) return Refuse("the function vanished from its module");
  BuildEntry(*module, *virtine, signature);
  KeepOnlyEntry(*module);
  if (llvm::Error error = CheckReachable(*module)) return error;
  AdaptAttributes(*module);
  DropPicFlags(*module);
  return module;
}

}  // namespace vcc
