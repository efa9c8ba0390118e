#include "engine/elf_image.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "guest/abi/hypercall.h"

namespace wasp {
namespace {

constexpr uint64_t kPage = 4096;

absl::Status Bad(const std::string& name, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(
      name, ": not a virtine image: ", why,
      " (build it with wasp-app-cc, or link it with the SDK's guest.ld)"));
}

uint64_t PageUp(uint64_t value) { return (value + kPage - 1) / kPage * kPage; }

}  // namespace

absl::StatusOr<OwnedImage> ParseElfImage(absl::Span<const uint8_t> file,
                                         std::string name) {
  Elf64_Ehdr header;
  if (file.size() < sizeof header)
    return Bad(name, "shorter than an ELF header");
  std::memcpy(&header, file.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return Bad(name, "no ELF magic");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_machine != EM_X86_64) {
    return Bad(name, "not a 64-bit little-endian x86-64 ELF");
  }
  if (header.e_type != ET_EXEC) {
    return Bad(name, "not a static executable (ET_EXEC)");
  }
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 ||
      header.e_phoff > file.size() ||
      (file.size() - header.e_phoff) / sizeof(Elf64_Phdr) < header.e_phnum) {
    return Bad(name, "program headers outside the file");
  }
  std::vector<Elf64_Phdr> loads;
  for (uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, file.data() + header.e_phoff + i * sizeof segment,
                sizeof segment);
    if (segment.p_type != PT_LOAD || segment.p_memsz == 0) continue;
    std::string which = absl::StrFormat("segment at %#x", segment.p_vaddr);
    if (segment.p_filesz > segment.p_memsz || segment.p_offset > file.size() ||
        segment.p_filesz > file.size() - segment.p_offset) {
      return Bad(name, which + " lies outside the file");
    }
    if (segment.p_vaddr < WASP_SYSTEM_AREA_END ||
        segment.p_vaddr > WASP_MAX_LONG_MODE_MEMORY ||
        segment.p_memsz > WASP_MAX_LONG_MODE_MEMORY - segment.p_vaddr) {
      return Bad(name, which + absl::StrFormat(" is not in [%#x, %#x)",
                                               WASP_SYSTEM_AREA_END,
                                               WASP_MAX_LONG_MODE_MEMORY));
    }
    if ((segment.p_flags & PF_W) && (segment.p_flags & PF_X)) {
      return Bad(name, which + " is both writable and executable");
    }
    if (!loads.empty()) {
      const Elf64_Phdr& last = loads.back();
      if (segment.p_vaddr < last.p_vaddr + last.p_memsz) {
        return Bad(name, which + " overlaps or precedes the one before");
      }
      if ((last.p_flags & PF_W) && !(segment.p_flags & PF_W)) {
        return Bad(name, which + " is read-only after a writable one");
      }
    }
    loads.push_back(segment);
  }
  if (loads.empty()) return Bad(name, "no loadable segment");
  OwnedImage image{.name = std::move(name),
                   .load_address = loads.front().p_vaddr & ~(kPage - 1),
                   .entry = header.e_entry};
  bool entry_ok = false;
  uint64_t end = image.load_address;
  for (const Elf64_Phdr& segment : loads) {
    end = std::max(end, segment.p_vaddr + segment.p_filesz);
    if (!(segment.p_flags & PF_W)) {
      image.read_only_size =
          PageUp(segment.p_vaddr + segment.p_memsz) - image.load_address;
    }
    // In the segment's bytes from the file: past them (its zero-filled
    // tail) lies outside the flat image, where load() finds no entry.
    entry_ok = entry_ok ||
               ((segment.p_flags & PF_X) && header.e_entry >= segment.p_vaddr &&
                header.e_entry < segment.p_vaddr + segment.p_filesz);
  }
  if (!entry_ok) {
    return Bad(image.name,
               absl::StrFormat("entry %#x is not in an executable segment",
                               header.e_entry));
  }
  image.bytes.assign(end - image.load_address, 0);
  for (const Elf64_Phdr& segment : loads) {
    std::memcpy(image.bytes.data() + (segment.p_vaddr - image.load_address),
                file.data() + segment.p_offset, segment.p_filesz);
  }
  if (image.read_only_size > PageUp(image.bytes.size())) {
    image.read_only_size = PageUp(image.bytes.size());
  }
  return image;
}

absl::StatusOr<OwnedImage> ReadElfImage(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open image ", path, ": ", std::strerror(errno)));
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  return ParseElfImage(bytes, path);
}

}  // namespace wasp
