#include "tools/vcc/pass/host_stub.h"

#include <vector>

#include "guest/abi/vcc_call.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace vcc {
namespace {

// Guest memory when virtine_memory() does not say.
constexpr uint64_t kDefaultMemory = 1 << 20;
// struct wasp_vcc_buffer_ref's flags (tools/vcc/runtime.h).
constexpr uint32_t kStringFlag = 1;
// wasp_vcc_image.allowlist of a function without virtine_whitelist; a mask
// has bit 63 cleared, so that VIRTINE_ALLOW_ALL (~0) stays distinct.
constexpr uint64_t kNoAllowlist = ~0ull;
constexpr uint64_t kAllowMask = ~0ull >> 1;

struct RuntimeTypes {
  llvm::StructType* image;   // struct wasp_vcc_image
  llvm::StructType* buffer;  // struct wasp_vcc_buffer_ref
  llvm::FunctionCallee call;
};

RuntimeTypes DeclareRuntime(llvm::Module& module) {
  llvm::LLVMContext& context = module.getContext();
  llvm::Type* bytes = llvm::Type::getInt8PtrTy(context);
  llvm::Type* i64 = llvm::Type::getInt64Ty(context);
  llvm::Type* i32 = llvm::Type::getInt32Ty(context);
  RuntimeTypes types;
  types.image = llvm::StructType::get(
      context, {bytes, bytes, i64, i64, i64, i64, i64, i64, bytes});
  types.buffer = llvm::StructType::get(context, {bytes, i64, i64, i32, i32});
  types.call = module.getOrInsertFunction(
      "wasp_vcc_call", llvm::Type::getVoidTy(context),
      types.image->getPointerTo(), bytes, i64, types.buffer->getPointerTo(),
      i32, bytes, i64, i32->getPointerTo(), i32);
  return types;
}

llvm::GlobalVariable* EmbedImage(llvm::Function& function,
                                 const RuntimeTypes& types,
                                 const GuestImage& image,
                                 const Annotations& annotations) {
  llvm::Module& module = *function.getParent();
  llvm::LLVMContext& context = module.getContext();
  auto constant = [&](llvm::Constant* init, llvm::StringRef suffix) {
    auto* global = new llvm::GlobalVariable(
        module, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init,
        "__vcc_" + function.getName() + suffix);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return llvm::ConstantExpr::getPointerCast(
        global, llvm::Type::getInt8PtrTy(context));
  };
  llvm::Constant* name = constant(
      llvm::ConstantDataArray::getString(context, function.getName()), ".name");
  llvm::Constant* bytes = constant(
      llvm::ConstantDataArray::get(context, llvm::makeArrayRef(image.bytes)),
      ".image");
  auto i64 = [&](uint64_t value) {
    return llvm::ConstantInt::get(llvm::Type::getInt64Ty(context), value);
  };
  llvm::Constant* descriptor = llvm::ConstantStruct::get(
      types.image,
      {name, bytes, i64(image.bytes.size()), i64(image.load_address),
       i64(image.entry), i64(image.read_only_size),
       i64(annotations.memory.value_or(kDefaultMemory)),
       i64(annotations.allowlist ? *annotations.allowlist & kAllowMask
                                 : kNoAllowlist),
       llvm::ConstantPointerNull::get(llvm::Type::getInt8PtrTy(context))});
  // Mutable: the runtime keeps its cache of virtines in the last field.
  return new llvm::GlobalVariable(
      module, types.image, false, llvm::GlobalValue::InternalLinkage,
      descriptor, "__vcc_" + function.getName() + ".virtine");
}

llvm::Value* Count(llvm::IRBuilder<>& b, llvm::Function& function,
                   const Buffer& buffer) {
  if (!buffer.count_param) return b.getInt64(buffer.count_value);
  return b.CreateZExtOrTrunc(function.getArg(*buffer.count_param),
                             b.getInt64Ty());
}

void FillBuffers(llvm::IRBuilder<>& b, llvm::Function& function,
                 const Signature& signature, const RuntimeTypes& types,
                 llvm::Value* table) {
  for (size_t i = 0; i < signature.buffers.size(); ++i) {
    const Buffer& buffer = signature.buffers[i];
    llvm::Value* entry = b.CreateConstGEP1_32(types.buffer, table, i);
    auto set = [&](unsigned field, llvm::Value* value) {
      b.CreateStore(value, b.CreateStructGEP(types.buffer, entry, field));
    };
    set(0, b.CreateBitCast(function.getArg(buffer.param), b.getInt8PtrTy()));
    set(1, Count(b, function, buffer));
    set(2, b.getInt64(buffer.element_size));
    set(3, b.getInt32(buffer.direction));
    set(4, b.getInt32(buffer.string ? kStringFlag : 0));
  }
}

// Stores every parameter that travels by value into the argument struct.
void FillArgs(llvm::IRBuilder<>& b, llvm::Function& function,
              const Signature& signature, llvm::Value* args) {
  const llvm::DataLayout& layout = function.getParent()->getDataLayout();
  for (llvm::Argument& arg : function.args()) {
    const Param& param = signature.params[arg.getArgNo()];
    if (param.kind == Param::Kind::kValue) {
      b.CreateStore(&arg, b.CreateStructGEP(signature.args, args, param.field));
    } else if (param.kind == Param::Kind::kByVal) {
      llvm::Type* type = arg.getParamByValType();
      b.CreateMemCpy(b.CreateStructGEP(signature.args, args, param.field),
                     llvm::MaybeAlign(), &arg, arg.getParamAlign(),
                     layout.getTypeAllocSize(type));
    }
  }
}

// wasp_vcc_call's `descriptors` and `descriptor_count`.
struct Descriptors {
  llvm::Value* table;
  unsigned count = 0;
};

// The values of the `int` parameters of a function with virtine_whitelist:
// the host descriptors its virtine may use. None for other functions.
Descriptors FillDescriptors(llvm::IRBuilder<>& b, llvm::Function& function,
                            const Signature& signature,
                            const Annotations& annotations) {
  Descriptors descriptors{
      llvm::ConstantPointerNull::get(b.getInt32Ty()->getPointerTo())};
  if (!annotations.allowlist) return descriptors;
  std::vector<llvm::Argument*> ints;
  for (llvm::Argument& arg : function.args()) {
    if (signature.params[arg.getArgNo()].kind == Param::Kind::kValue &&
        arg.getType()->isIntegerTy(32)) {
      ints.push_back(&arg);
    }
  }
  if (ints.empty()) return descriptors;
  descriptors.count = ints.size();
  descriptors.table = b.CreateAlloca(b.getInt32Ty(), b.getInt32(ints.size()));
  for (unsigned i = 0; i < ints.size(); ++i) {
    b.CreateStore(ints[i],
                  b.CreateConstGEP1_32(b.getInt32Ty(), descriptors.table, i));
  }
  return descriptors;
}

}  // namespace

void ReplaceWithCall(llvm::Function& function, const Signature& signature,
                     const GuestImage& image, const Annotations& annotations) {
  llvm::Module& module = *function.getParent();
  const llvm::DataLayout& layout = module.getDataLayout();
  RuntimeTypes types = DeclareRuntime(module);
  llvm::GlobalVariable* descriptor =
      EmbedImage(function, types, image, annotations);

  llvm::GlobalValue::LinkageTypes linkage = function.getLinkage();
  function.deleteBody();  // which also makes it external
  function.setLinkage(linkage);
  llvm::IRBuilder<> b(
      llvm::BasicBlock::Create(module.getContext(), "", &function));
  if (llvm::DISubprogram* subprogram = function.getSubprogram()) {
    b.SetCurrentDebugLocation(llvm::DILocation::get(
        module.getContext(), subprogram->getLine(), 0, subprogram));
  }
  llvm::Value* args = b.CreateAlloca(signature.args);
  FillArgs(b, function, signature, args);
  llvm::Value* table =
      llvm::ConstantPointerNull::get(types.buffer->getPointerTo());
  if (!signature.buffers.empty()) {
    table = b.CreateAlloca(types.buffer, b.getInt32(signature.buffers.size()));
    FillBuffers(b, function, signature, types, table);
  }
  llvm::Value* ret = llvm::ConstantPointerNull::get(b.getInt8PtrTy());
  llvm::Value* ret_slot = nullptr;
  for (llvm::Argument& arg : function.args()) {
    if (arg.hasStructRetAttr()) ret = b.CreateBitCast(&arg, b.getInt8PtrTy());
  }
  if (!function.getReturnType()->isVoidTy()) {
    ret_slot = b.CreateAlloca(function.getReturnType());
    ret = b.CreateBitCast(ret_slot, b.getInt8PtrTy());
  }
  Descriptors descriptors =
      FillDescriptors(b, function, signature, annotations);
  b.CreateCall(types.call, {descriptor, b.CreateBitCast(args, b.getInt8PtrTy()),
                            b.getInt64(layout.getTypeAllocSize(signature.args)),
                            table, b.getInt32(signature.buffers.size()), ret,
                            b.getInt64(signature.result_size),
                            descriptors.table, b.getInt32(descriptors.count)});
  if (ret_slot) {
    b.CreateRet(b.CreateLoad(function.getReturnType(), ret_slot));
  } else {
    b.CreateRetVoid();
  }
}

}  // namespace vcc
