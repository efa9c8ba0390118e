#include "tools/aes/speed_table.h"

#include <string>

#include "gtest/gtest.h"

namespace wasp::aes {
namespace {

// The tail of `openssl speed -elapsed -seconds 1 -evp aes-128-cbc` (OpenSSL
// 3.0.19), with a value below 10000 bytes/s as openssl prints it, in bytes.
constexpr char kOpensslOutput[] =
    "Doing AES-128-CBC for 1s on 16384 size blocks: 12913 AES-128-CBC's in "
    "1.00s\n"
    "version: 3.0.19\n"
    "CPUINFO: OPENSSL_ia32cap=0xfdfa3201078bffff:0x0 env:~0x200000200000000\n"
    "The 'numbers' are in 1000s of bytes per second processed.\n"
    "type             16 bytes     64 bytes    256 bytes   1024 bytes   8192 "
    "bytes  16384 bytes\n"
    "AES-128-CBC     256620.35k   256179.58k   242240.13k   197635.07k   "
    "206577.66k      9500.00 \n";

TEST(ParseOpensslSpeedTest, ReadsTheCipherRowInThousandsOfBytes) {
  auto row = ParseOpensslSpeed(kOpensslOutput);
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_EQ(row->size(), 6u);
  EXPECT_DOUBLE_EQ((*row)[0], 256620.35);
  EXPECT_DOUBLE_EQ((*row)[4], 206577.66);
  EXPECT_DOUBLE_EQ((*row)[5], 9.5);
}

TEST(ParseOpensslSpeedTest, SaysWhatIsMissingOrMalformed) {
  auto missing = ParseOpensslSpeed("version: 3.0.19\n");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("-evp aes-128-cbc"),
            std::string::npos);
  std::string other_sizes = "type 16 bytes 64 bytes\nAES-128-CBC 1.00k 2.00k\n";
  EXPECT_EQ(ParseOpensslSpeed(other_sizes).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string garbage = kOpensslOutput;
  garbage.replace(garbage.find("256179.58k"), 10, "fast");
  EXPECT_EQ(ParseOpensslSpeed(garbage).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FormatSpeedTableTest, LinesUpWithOpensslAndReadsBack) {
  std::vector<SpeedRow> rows = {
      {"AES-128-CBC",
       {256620.35, 256179.58, 242240.13, 197635.07, 206577.66, 211566.59}},
      {"vpaes in a virtine", {555.5, 2098, 8143, 8290, 8531, 8526}},
  };
  std::string table = FormatSpeedTable(rows);
  // openssl's own layout where the names fit its 13 columns.
  EXPECT_EQ(FormatSpeedTable({rows[0]}),
            "type             16 bytes     64 bytes    256 bytes   1024 bytes"
            "   8192 bytes  16384 bytes\n"
            "AES-128-CBC     256620.35k   256179.58k   242240.13k   "
            "197635.07k   206577.66k   211566.59k\n");
  EXPECT_NE(table.find("vpaes in a virtine       555.50k"), std::string::npos)
      << table;
  auto row = ParseOpensslSpeed(table);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_DOUBLE_EQ((*row)[5], 211566.59);
}

}  // namespace
}  // namespace wasp::aes
