#include "engine/elf_image.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "gtest/gtest.h"
#include "guest/apps/http/http_image.h"

namespace wasp {
namespace {

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file),
          std::istreambuf_iterator<char>()};
}

// The ELF that virtine_image() linked gives exactly the image it embedded
// (flattened by objcopy, read-only size from __wasp_ro_end).
TEST(ElfImageTest, MatchesTheImageTheBuildEmbeds) {
  auto image = ReadElfImage("guest/apps/http/http.elf");
  ASSERT_TRUE(image.ok()) << image.status();
  Image built = images::http();
  EXPECT_EQ(image->load_address, built.load_address);
  EXPECT_EQ(image->entry, built.entry);
  EXPECT_EQ(image->read_only_size, built.read_only_size);
  // The same bytes; where one is longer (segment padding, objcopy's end
  // at the last section) the rest is zeros.
  size_t common = std::min(built.bytes.size(), image->bytes.size());
  EXPECT_EQ(std::memcmp(image->bytes.data(), built.bytes.data(), common), 0);
  for (size_t i = common; i < image->bytes.size(); ++i) {
    ASSERT_EQ(image->bytes[i], 0) << i;
  }
  for (size_t i = common; i < built.bytes.size(); ++i) {
    ASSERT_EQ(built.bytes[i], 0) << i;
  }
}

class ElfImageRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    elf_ = ReadBytes("guest/apps/http/http.elf");
    ASSERT_GT(elf_.size(), sizeof(Elf64_Ehdr));
    std::memcpy(&header_, elf_.data(), sizeof header_);
  }
  Elf64_Phdr* Segment(int i) {
    return reinterpret_cast<Elf64_Phdr*>(elf_.data() + header_.e_phoff +
                                         i * sizeof(Elf64_Phdr));
  }
  std::string Refusal() {
    auto image = ParseElfImage(elf_, "test.elf");
    EXPECT_FALSE(image.ok());
    return std::string(image.status().message());
  }

  std::vector<uint8_t> elf_;
  Elf64_Ehdr header_;
};

TEST_F(ElfImageRefusalTest, RefusesWhatCannotRunAsAVirtine) {
  EXPECT_NE(ParseElfImage(absl::MakeConstSpan(elf_).first(40), "t")
                .status()
                .message()
                .find("shorter than an ELF header"),
            std::string::npos);
  elf_[EI_CLASS] = ELFCLASS32;
  EXPECT_NE(Refusal().find("64-bit"), std::string::npos);
  elf_[EI_CLASS] = ELFCLASS64;
  for (int i = 0; i < header_.e_phnum; ++i) {
    Elf64_Phdr* segment = Segment(i);
    if (segment->p_type != PT_LOAD) continue;
    uint64_t vaddr = segment->p_vaddr;
    segment->p_vaddr = 0x1000;  // the system area
    EXPECT_NE(Refusal().find("is not in"), std::string::npos);
    segment->p_vaddr = vaddr;
    uint32_t flags = segment->p_flags;
    segment->p_flags = PF_R | PF_W | PF_X;
    EXPECT_NE(Refusal().find("writable and executable"), std::string::npos);
    segment->p_flags = flags;
    uint64_t filesz = segment->p_filesz;
    segment->p_filesz = elf_.size();
    EXPECT_NE(Refusal().find("outside the file"), std::string::npos);
    segment->p_filesz = filesz;
    break;
  }
  EXPECT_TRUE(ParseElfImage(elf_, "restored").ok());
}

// An entry in an executable segment's zero-filled tail (p_memsz past
// p_filesz) is not in the flat image: refused here, not by load() later.
// Found by image_fuzzer.
TEST_F(ElfImageRefusalTest, RefusesAnEntryPastTheFileBytes) {
  for (int i = 0; i < header_.e_phnum; ++i) {
    Elf64_Phdr* segment = Segment(i);
    if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
    segment->p_filesz -= 16;  // its last 16 bytes become zero-filled
    header_.e_entry = segment->p_vaddr + segment->p_filesz;
    std::memcpy(elf_.data(), &header_, sizeof header_);
    EXPECT_NE(Refusal().find("not in an executable segment"),
              std::string::npos);
    header_.e_entry = segment->p_vaddr + segment->p_filesz - 1;
    std::memcpy(elf_.data(), &header_, sizeof header_);
    auto image = ParseElfImage(elf_, "last byte");
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_LT(image->entry - image->load_address, image->bytes.size());
    return;
  }
  FAIL() << "http.elf has no executable segment";
}

}  // namespace
}  // namespace wasp
