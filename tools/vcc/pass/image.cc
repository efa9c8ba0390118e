#include "tools/vcc/pass/image.h"

#include <dlfcn.h>

#include <cstdlib>
#include <optional>

#include "guest/abi/hypercall.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

namespace vcc {
namespace {

llvm::Error Fail(const llvm::Twine& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

// A temporary directory, removed when this goes out of scope.
class TempDir {
 public:
  static llvm::Expected<TempDir> Create(bool keep) {
    llvm::SmallString<128> path;
    if (std::error_code error =
            llvm::sys::fs::createUniqueDirectory("vcc", path)) {
      return Fail("cannot create a temporary directory: " + error.message());
    }
    return TempDir(path.str().str(), keep);
  }
  TempDir(TempDir&& other) : path_(std::move(other.path_)), keep_(other.keep_) {
    other.path_.clear();
  }
  ~TempDir() {
    if (path_.empty()) return;
    if (keep_) {
      llvm::errs() << "vcc: kept " << path_ << "\n";
    } else {
      (void)llvm::sys::fs::remove_directories(path_);
    }
  }
  std::string File(llvm::StringRef name) const {
    return (llvm::Twine(path_) + "/" + name).str();
  }

 private:
  TempDir(std::string path, bool keep) : path_(std::move(path)), keep_(keep) {}
  std::string path_;
  bool keep_;
};

std::string ReadText(const std::string& path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(path);
  return text ? (*text)->getBuffer().trim().str() : std::string();
}

// Runs a tool with its output in `log`; its output becomes the error.
llvm::Error Run(const std::string& program, std::vector<std::string> args,
                const std::string& log) {
  std::vector<llvm::StringRef> argv = {program};
  for (const std::string& arg : args) argv.push_back(arg);
  llvm::Optional<llvm::StringRef> redirects[] = {
      llvm::None, llvm::StringRef(log), llvm::StringRef(log)};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(program, argv, llvm::None, redirects,
                                         0, 0, &message);
  if (status == 0) return llvm::Error::success();
  std::string output = ReadText(log);
  return Fail(llvm::sys::path::filename(program) + " failed" +
              (message.empty() ? "" : " (" + message + ")") + ": " + output);
}

// ld's "undefined reference to `strtold'" in the words of the user.
llvm::Error ExplainLinkError(llvm::Error error) {
  std::string text = llvm::toString(std::move(error));
  llvm::SmallVector<llvm::StringRef, 2> match;
  llvm::Regex undefined("undefined reference to `([^']+)'");
  if (undefined.match(text, &match)) {
    return Fail("it calls '" + match[1] +
                "', which is neither defined in this file nor in the "
                "virtine C library: a virtine reaches only its own "
                "translation unit (move the callee into it, or make it a "
                "virtine of its own)");
  }
  return Fail(text);
}

std::string Hex(uint64_t value) {
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::format_hex(value, 2);
  return out.str();
}

// The loadable segments from the load address up, as `objcopy -O binary`.
llvm::Expected<GuestImage> Flatten(const std::string& elf_path) {
  llvm::Expected<llvm::object::OwningBinary<llvm::object::ObjectFile>> file =
      llvm::object::ObjectFile::createObjectFile(elf_path);
  if (!file) return file.takeError();
  auto* elf =
      llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(file->getBinary());
  if (!elf) return Fail(elf_path + " is not a 64-bit ELF file");
  GuestImage image;
  std::optional<uint64_t> ro_end;
  for (const llvm::object::SymbolRef& symbol : elf->symbols()) {
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    llvm::Expected<uint64_t> address = symbol.getAddress();
    if (!name || !address) {
      llvm::consumeError(name.takeError());
      llvm::consumeError(address.takeError());
      continue;
    }
    if (*name == "_start") image.entry = *address;
    if (*name == "__wasp_ro_end") ro_end = *address;
  }
  image.load_address = WASP_DEFAULT_LOAD_ADDRESS;
  if (image.entry == 0 || !ro_end) {
    return Fail("the linked image has no _start or __wasp_ro_end");
  }
  image.read_only_size = *ro_end - image.load_address;
  auto headers = elf->getELFFile().program_headers();
  if (!headers) return headers.takeError();
  llvm::StringRef contents = elf->getData();
  for (const auto& header : *headers) {
    if (header.p_type != llvm::ELF::PT_LOAD || header.p_filesz == 0) continue;
    if (header.p_paddr < image.load_address ||
        header.p_offset + header.p_filesz > contents.size()) {
      return Fail("the linked image has a segment below the load address");
    }
    uint64_t start = header.p_paddr - image.load_address;
    if (image.bytes.size() < start + header.p_filesz) {
      image.bytes.resize(start + header.p_filesz);
    }
    std::memcpy(image.bytes.data() + start, contents.data() + header.p_offset,
                header.p_filesz);
  }
  return image;
}

}  // namespace

llvm::Expected<Toolchain> FindToolchain() {
  Toolchain toolchain;
  toolchain.clang = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  llvm::ErrorOr<std::string> ld = llvm::sys::findProgramByName("ld");
  if (!ld) return Fail("cannot find GNU ld (install binutils)");
  toolchain.ld = *ld;
  if (const char* dir = std::getenv("VCC_RUNTIME_DIR")) {
    toolchain.runtime_dir = dir;
  } else {
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&FindToolchain), &info) == 0 ||
        !info.dli_fname) {
      return Fail("cannot tell where the vcc plugin is: set VCC_RUNTIME_DIR");
    }
    toolchain.runtime_dir = llvm::sys::path::parent_path(info.dli_fname).str();
  }
  for (const char* name : {"libvcc_guest.a", "guest.ld"}) {
    std::string path = toolchain.runtime_dir + "/" + name;
    if (!llvm::sys::fs::exists(path)) {
      return Fail("the virtine runtime is incomplete: " + path +
                  " is missing (reinstall with `tools/wasp install`, or set "
                  "VCC_RUNTIME_DIR)");
    }
  }
  const char* keep = std::getenv("VCC_KEEP");
  toolchain.keep_files = keep && std::string(keep) == "1";
  return toolchain;
}

llvm::Expected<GuestImage> BuildImage(llvm::Module& module,
                                      const Toolchain& toolchain) {
  llvm::Expected<TempDir> dir = TempDir::Create(toolchain.keep_files);
  if (!dir) return dir.takeError();
  std::string bitcode = dir->File("guest.bc");
  std::string object = dir->File("guest.o");
  std::string elf = dir->File("guest.elf");
  std::string log = dir->File("log");
  {
    std::error_code error;
    llvm::raw_fd_ostream out(bitcode, error);
    if (error) return Fail("cannot write " + bitcode + ": " + error.message());
    llvm::WriteBitcodeToFile(module, out);
  }
  if (llvm::Error error = Run(toolchain.clang,
                              {"-c", "-O2", "-fno-pic", "-mcmodel=small",
                               "-mno-red-zone", "-fno-stack-protector",
                               "-Wno-override-module", bitcode, "-o", object},
                              log)) {
    return error;
  }
  std::string runtime = toolchain.runtime_dir;
  if (llvm::Error error =
          Run(toolchain.ld,
              {"-nostdlib", "-static", "-z", "noexecstack",
               "--no-warn-rwx-segments", "-T", runtime + "/guest.ld",
               "--defsym=__wasp_load_address=" + Hex(WASP_DEFAULT_LOAD_ADDRESS),
               "--require-defined=_start", "-o", elf, object,
               runtime + "/libvcc_guest.a"},
              log)) {
    return ExplainLinkError(std::move(error));
  }
  return Flatten(elf);
}

}  // namespace vcc
