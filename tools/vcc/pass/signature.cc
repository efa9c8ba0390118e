#include "tools/vcc/pass/signature.h"

#include "guest/abi/vcc_call.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Attributes.h"
#include "llvm/IR/Module.h"

namespace vcc {
namespace {

llvm::Error Refuse(const llvm::Twine& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

// A pointer parameter without an annotation: one object, in and back, as
// upstream Wasp copies it, when its size is known.
llvm::Expected<Buffer> SingleObject(const llvm::Argument& arg,
                                    llvm::Type* element) {
  std::string name = arg.getName().str();
  if (element->isIntegerTy(8)) {
    return Refuse("parameter '" + name +
                  "' is a 'char *' or 'void *', whose size is unknown: "
                  "annotate it with virtine_in/out/inout(" +
                  name + ", count) or virtine_str(" + name + ")");
  }
  return Buffer{.param = arg.getArgNo(),
                .element = element,
                .direction = WASP_VCC_IN | WASP_VCC_OUT};
}

llvm::Expected<Buffer> AnnotatedBuffer(llvm::Function& function,
                                       const llvm::Argument& arg,
                                       llvm::Type* element,
                                       const Annotations::Buffer& note) {
  Buffer buffer{.param = arg.getArgNo(), .element = element};
  if (note.kind == "virtine_str") {
    if (!element->isIntegerTy(8)) {
      return Refuse("virtine_str(" + note.param + "): '" + note.param +
                    "' is not a 'char *'");
    }
    buffer.direction = WASP_VCC_IN;
    buffer.string = true;
    return buffer;
  }
  buffer.direction = note.kind == "virtine_in"    ? WASP_VCC_IN
                     : note.kind == "virtine_out" ? WASP_VCC_OUT
                                                  : WASP_VCC_IN | WASP_VCC_OUT;
  uint64_t value;
  if (!llvm::StringRef(note.count).getAsInteger(0, value)) {
    buffer.count_value = value;
    return buffer;
  }
  for (llvm::Argument& other : function.args()) {
    if (other.getName() != note.count) continue;
    if (!other.getType()->isIntegerTy()) {
      return Refuse(note.kind + "(" + note.param + ", " + note.count +
                    "): the count '" + note.count + "' is not an integer");
    }
    buffer.count_param = other.getArgNo();
    return buffer;
  }
  return Refuse(note.kind + "(" + note.param + ", " + note.count + "): '" +
                note.count + "' is neither a parameter nor a number");
}

llvm::Expected<Buffer> PlanPointer(llvm::Function& function,
                                   const llvm::Argument& arg,
                                   const Annotations& annotations) {
  std::string name = arg.getName().str();
  llvm::Type* element = arg.getType()->getPointerElementType();
  if (element->isFunctionTy()) {
    return Refuse("parameter '" + name +
                  "' is a function pointer: a virtine cannot call back into "
                  "its caller");
  }
  if (element->isPointerTy()) {
    return Refuse("parameter '" + name +
                  "' points to a pointer: only the bytes it points to would "
                  "be copied, not what the inner pointer reaches");
  }
  if (!element->isSized()) {
    return Refuse("parameter '" + name + "' points to an incomplete type");
  }
  const Annotations::Buffer* note = nullptr;
  for (const Annotations::Buffer& b : annotations.buffers) {
    if (b.param == name) note = &b;
  }
  llvm::Expected<Buffer> planned =
      note ? AnnotatedBuffer(function, arg, element, *note)
           : SingleObject(arg, element);
  if (!planned) return planned.takeError();
  const llvm::DataLayout& layout = function.getParent()->getDataLayout();
  planned->element_size = layout.getTypeAllocSize(element);
  return planned;
}

llvm::Error CheckAnnotatedParams(llvm::Function& function,
                                 const Annotations& annotations) {
  for (const Annotations::Buffer& note : annotations.buffers) {
    bool found = false;
    for (llvm::Argument& arg : function.args()) {
      if (arg.getName() != note.param) continue;
      found = true;
      if (!arg.getType()->isPointerTy()) {
        return Refuse(note.kind + "(" + note.param + ", ...): '" + note.param +
                      "' is not a pointer");
      }
    }
    if (!found) {
      return Refuse(
          note.kind + "(" + note.param + ", ...): no parameter '" + note.param +
          "' (compile with vcc, which keeps parameter names in the IR)");
    }
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<Signature> PlanSignature(llvm::Function& function,
                                        const Annotations& annotations) {
  if (function.isVarArg()) {
    return Refuse("a virtine cannot be variadic");
  }
  if (function.getReturnType()->isPointerTy()) {
    return Refuse(
        "a virtine cannot return a pointer: it would point into the "
        "virtine's memory, which the caller cannot see");
  }
  if (llvm::Error error = CheckAnnotatedParams(function, annotations)) {
    return error;
  }
  Signature signature;
  std::vector<llvm::Type*> fields;
  llvm::Type* return_type = function.getReturnType();
  if (!return_type->isVoidTy()) signature.result = return_type;
  for (llvm::Argument& arg : function.args()) {
    Param param;
    if (arg.hasStructRetAttr()) {
      param.kind = Param::Kind::kSRet;
      signature.result = arg.getParamStructRetType();
    } else if (arg.hasByValAttr()) {
      param.kind = Param::Kind::kByVal;
      param.field = fields.size();
      fields.push_back(arg.getParamByValType());
    } else if (arg.getType()->isPointerTy()) {
      llvm::Expected<Buffer> buffer = PlanPointer(function, arg, annotations);
      if (!buffer) return buffer.takeError();
      param.kind = Param::Kind::kBuffer;
      param.buffer = signature.buffers.size();
      signature.buffers.push_back(*buffer);
    } else {
      param.field = fields.size();
      fields.push_back(arg.getType());
    }
    signature.params.push_back(param);
  }
  if (signature.buffers.size() > WASP_VCC_MAX_BUFFERS) {
    return Refuse("more than " + llvm::Twine(WASP_VCC_MAX_BUFFERS) +
                  " pointer parameters");
  }
  signature.args = llvm::StructType::get(function.getContext(), fields);
  const llvm::DataLayout& layout = function.getParent()->getDataLayout();
  if (signature.result) {
    signature.result_size = layout.getTypeAllocSize(signature.result);
  }
  return signature;
}

}  // namespace vcc
