// vcc's LLVM pass plugin: each function marked `virtine` (<virtine.h>)
// becomes a guest image embedded in the host object, and its body a call
// that runs that image in a virtine. Loaded by clang-14 with
// -fpass-plugin; it runs at the start of the pipeline (also at -O0), before
// the optimiser can look across the boundary.
#include <map>

#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "tools/vcc/pass/guest_module.h"
#include "tools/vcc/pass/host_stub.h"
#include "tools/vcc/pass/image.h"
#include "tools/vcc/pass/signature.h"

namespace vcc {
namespace {

// An error clang reports as `error: FILE:LINE: virtine function 'f': ...`
// and that fails the compile (no crash banner).
class VccDiagnostic : public llvm::DiagnosticInfo {
 public:
  explicit VccDiagnostic(std::string message)
      : llvm::DiagnosticInfo(Kind(), llvm::DS_Error),
        message_(std::move(message)) {}
  void print(llvm::DiagnosticPrinter& printer) const override {
    printer << message_;
  }

 private:
  static int Kind() {
    static const int kind = llvm::getNextAvailablePluginDiagnosticKind();
    return kind;
  }
  std::string message_;
};

void Report(llvm::Module& module, const llvm::Function& function,
            const Annotations& annotations, llvm::Error error) {
  std::string where =
      annotations.file.empty()
          ? ""
          : annotations.file + ":" + std::to_string(annotations.line) + ": ";
  module.getContext().diagnose(
      VccDiagnostic(where + "virtine function '" + function.getName().str() +
                    "': " + llvm::toString(std::move(error))));
}

std::string CString(const llvm::Value* value) {
  auto* global =
      llvm::dyn_cast<llvm::GlobalVariable>(value->stripPointerCasts());
  if (!global || !global->hasInitializer()) return "";
  auto* data =
      llvm::dyn_cast<llvm::ConstantDataSequential>(global->getInitializer());
  return data && data->isCString() ? data->getAsCString().str() : "";
}

// The constant arguments of annotate("name", args...).
std::vector<const llvm::Constant*> AnnotationArgs(const llvm::Value* value) {
  std::vector<const llvm::Constant*> args;
  auto* global =
      llvm::dyn_cast<llvm::GlobalVariable>(value->stripPointerCasts());
  if (!global || !global->hasInitializer()) return args;
  auto* fields = llvm::dyn_cast<llvm::ConstantStruct>(global->getInitializer());
  if (!fields) return args;
  for (const llvm::Use& field : fields->operands()) {
    args.push_back(llvm::cast<llvm::Constant>(field.get()));
  }
  return args;
}

void AddAnnotation(Annotations& annotations, const std::string& kind,
                   const std::vector<const llvm::Constant*>& args) {
  auto number = [&](size_t i) -> uint64_t {
    auto* value =
        i < args.size() ? llvm::dyn_cast<llvm::ConstantInt>(args[i]) : nullptr;
    return value ? value->getZExtValue() : 0;
  };
  auto text = [&](size_t i) {
    return i < args.size() ? CString(args[i]) : std::string();
  };
  if (kind == "virtine_memory") annotations.memory = number(0);
  if (kind == "virtine_allow") annotations.allowlist = number(0);
  if (kind == "virtine_in" || kind == "virtine_out" ||
      kind == "virtine_inout" || kind == "virtine_str") {
    annotations.buffers.push_back({kind, text(0), text(1)});
  }
}

// Functions marked `virtine`, in module order, with all their annotations.
std::vector<std::pair<llvm::Function*, Annotations>> FindVirtines(
    llvm::Module& module) {
  std::map<llvm::Function*, Annotations> found;
  std::map<llvm::Function*, bool> marked;
  llvm::GlobalVariable* list = module.getNamedGlobal("llvm.global.annotations");
  if (!list || !list->hasInitializer()) return {};
  auto* entries = llvm::dyn_cast<llvm::ConstantArray>(list->getInitializer());
  if (!entries) return {};
  for (const llvm::Use& use : entries->operands()) {
    auto* entry = llvm::dyn_cast<llvm::ConstantStruct>(use.get());
    if (!entry || entry->getNumOperands() < 4) continue;
    auto* function = llvm::dyn_cast<llvm::Function>(
        entry->getOperand(0)->stripPointerCasts());
    if (!function || function->isDeclaration()) continue;
    std::string kind = CString(entry->getOperand(1));
    Annotations& annotations = found[function];
    annotations.file = CString(entry->getOperand(2));
    if (auto* line = llvm::dyn_cast<llvm::ConstantInt>(entry->getOperand(3))) {
      annotations.line = line->getZExtValue();
    }
    if (kind == "virtine") marked[function] = true;
    if (entry->getNumOperands() > 4) {
      AddAnnotation(annotations, kind, AnnotationArgs(entry->getOperand(4)));
    } else {
      AddAnnotation(annotations, kind, {});
    }
  }
  std::vector<std::pair<llvm::Function*, Annotations>> virtines;
  for (llvm::Function& function : module) {
    if (marked.count(&function)) {
      virtines.emplace_back(&function, found[&function]);
    }
  }
  return virtines;
}

class VccPass : public llvm::PassInfoMixin<VccPass> {
 public:
  llvm::PreservedAnalyses run(llvm::Module& module,
                              llvm::ModuleAnalysisManager&) {
    std::vector<std::pair<llvm::Function*, Annotations>> virtines =
        FindVirtines(module);
    if (virtines.empty()) return llvm::PreservedAnalyses::all();
    llvm::Expected<Toolchain> toolchain = FindToolchain();
    if (!toolchain) {
      auto& [function, annotations] = virtines.front();
      Report(module, *function, annotations, toolchain.takeError());
      return llvm::PreservedAnalyses::all();
    }
    std::unique_ptr<llvm::Module> pristine = llvm::CloneModule(module);
    for (auto& [function, annotations] : virtines) {
      if (llvm::Error error =
              Compile(*pristine, *function, annotations, *toolchain)) {
        Report(module, *function, annotations, std::move(error));
      }
    }
    return llvm::PreservedAnalyses::none();
  }

 private:
  static llvm::Error Compile(const llvm::Module& pristine,
                             llvm::Function& function,
                             const Annotations& annotations,
                             const Toolchain& toolchain) {
    llvm::Expected<Signature> signature = PlanSignature(function, annotations);
    if (!signature) return signature.takeError();
    llvm::Expected<std::unique_ptr<llvm::Module>> guest =
        BuildGuestModule(pristine, function.getName(), *signature);
    if (!guest) return guest.takeError();
    llvm::Expected<GuestImage> image = BuildImage(**guest, toolchain);
    if (!image) return image.takeError();
    ReplaceWithCall(function, *signature, *image, annotations);
    return llvm::Error::success();
  }
};

}  // namespace
}  // namespace vcc

extern "C" LLVM_ATTRIBUTE_WEAK llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "vcc", "1", [](llvm::PassBuilder& builder) {
            builder.registerPipelineStartEPCallback(
                [](llvm::ModulePassManager& passes, llvm::OptimizationLevel) {
                  passes.addPass(vcc::VccPass());
                });
          }};
}
