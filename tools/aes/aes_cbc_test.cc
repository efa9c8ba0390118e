// AES-CBC by vpaes natively and in the virtine: NIST SP 800-38A vectors,
// chunked input against the native result, input checks on both sides, and
// that a reset leaves nothing of a chunk in the virtine.
#include "tools/aes/aes_cbc.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/kvm.h"

namespace wasp::aes {
namespace {

std::vector<uint8_t> Hex(const std::string& hex) {
  std::string bytes = absl::HexStringToBytes(hex);
  return {bytes.begin(), bytes.end()};
}

Iv HexIv(const std::string& hex) {
  Iv iv{};
  std::vector<uint8_t> bytes = Hex(hex);
  std::copy_n(bytes.begin(), iv.size(), iv.begin());
  return iv;
}

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

// NIST SP 800-38A appendix F.2: the same plaintext and IV for every key
// size. F.2.1 and F.2.5 encrypt; F.2.2 and F.2.6 are the same pairs
// decrypted, which vpaes as ring ships it cannot do, nor AES-192 (F.2.3).
const char kNistIv[] = "000102030405060708090a0b0c0d0e0f";
const char kNistPlaintext[] =
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710";

struct NistVector {
  const char* name;
  const char* key;
  const char* ciphertext;
};

const NistVector kNistVectors[] = {
    {"F.2.1 CBC-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
     "7649abac8119b246cee98e9b12e9197d"
     "5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e22229516"
     "3ff1caa1681fac09120eca307586e1a7"},
    {"F.2.5 CBC-AES256",
     "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd6"
     "9cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461"
     "b2eb05e2c39be9fcda6c19078c6a9d1b"},
};

Key NistKey(const NistVector& vector) {
  auto key = ExpandKey(Hex(vector.key));
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *key : Key{};
}

Key Aes128Key() { return NistKey(kNistVectors[0]); }

TEST(NativeCbcTest, MatchesNistVectors) {
  for (const NistVector& vector : kNistVectors) {
    Iv iv = HexIv(kNistIv);
    std::vector<uint8_t> in = Hex(kNistPlaintext), out(in.size());
    ASSERT_TRUE(
        EncryptCbcNative(NistKey(vector), iv, in, absl::MakeSpan(out)).ok());
    EXPECT_EQ(absl::BytesToHexString(
                  {reinterpret_cast<char*>(out.data()), out.size()}),
              vector.ciphertext)
        << vector.name;
    // The next message's IV is the last ciphertext block.
    EXPECT_TRUE(std::equal(iv.begin(), iv.end(), out.end() - 16))
        << vector.name;
  }
}

TEST(NativeCbcTest, ChainsTheIvAcrossCallsAndEncryptsInPlace) {
  Key key = Aes128Key();
  std::vector<uint8_t> whole = Hex(kNistPlaintext);
  Iv iv = HexIv(kNistIv);
  absl::Span<uint8_t> buffer(whole);
  // In place, in two calls of two blocks each.
  ASSERT_TRUE(
      EncryptCbcNative(key, iv, buffer.subspan(0, 32), buffer.subspan(0, 32))
          .ok());
  ASSERT_TRUE(
      EncryptCbcNative(key, iv, buffer.subspan(32), buffer.subspan(32)).ok());
  EXPECT_EQ(whole, Hex(kNistVectors[0].ciphertext));
}

TEST(NativeCbcTest, RefusesWhatIsNotWholeBlocksOrAKey) {
  EXPECT_EQ(ExpandKey(std::vector<uint8_t>(15)).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status aes192 = ExpandKey(std::vector<uint8_t>(24)).status();
  EXPECT_EQ(aes192.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(aes192.message().find("AES-192"), std::string::npos) << aes192;
  Key key = Aes128Key();
  Iv iv{};
  std::vector<uint8_t> in(1000), out(1000);
  absl::Status partial = EncryptCbcNative(key, iv, in, absl::MakeSpan(out));
  EXPECT_EQ(partial.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(partial.message().find("16-byte blocks"), std::string::npos)
      << partial;
  std::vector<uint8_t> blocks(32), small(16);
  EXPECT_EQ(EncryptCbcNative(key, iv, blocks, absl::MakeSpan(small)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncryptCbcNative(Key{}, iv, blocks, absl::MakeSpan(blocks)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Pkcs7PadTest, PadsToWholeBlocksWithThePadLength) {
  EXPECT_EQ(Pkcs7Pad(std::vector<uint8_t>(1000, 7)).size(), 1008u);
  EXPECT_EQ(Pkcs7Pad(std::vector<uint8_t>(1000, 7)).back(), 8);
  std::vector<uint8_t> full = Pkcs7Pad(std::vector<uint8_t>(16, 7));
  ASSERT_EQ(full.size(), 32u);
  EXPECT_EQ(std::count(full.begin() + 16, full.end(), 16), 16);
}

class VirtineCbcTest : public testing::KvmTest {
 protected:
  void SetUp() override {
    testing::KvmTest::SetUp();
    if (HasFatalFailure()) return;
    auto cbc = VirtineCbc::Create();
    ASSERT_TRUE(cbc.ok()) << cbc.status();
    cbc_ = std::move(*cbc);
  }

  // One call as VirtineCbc makes it, for inputs it would refuse.
  CallResult RawCall(const std::vector<uint8_t>& arg) {
    auto result = cbc_->cache().call(arg, absl::Seconds(5));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CallResult{};
  }

  std::unique_ptr<VirtineCbc> cbc_;
};

TEST_F(VirtineCbcTest, MatchesNistVectors) {
  for (const NistVector& vector : kNistVectors) {
    Iv iv = HexIv(kNistIv);
    std::vector<uint8_t> in = Hex(kNistPlaintext), out(in.size());
    ASSERT_TRUE(
        cbc_->Encrypt(NistKey(vector), iv, in, absl::MakeSpan(out)).ok());
    EXPECT_EQ(out, Hex(vector.ciphertext)) << vector.name;
    EXPECT_TRUE(std::equal(iv.begin(), iv.end(), out.end() - 16))
        << vector.name;
  }
}

// Sizes around the 256-byte chunk: one call per chunk, the IV carried from
// each call to the next, the whole ciphertext copied back.
TEST_F(VirtineCbcTest, ChunkedInputMatchesNative) {
  Key key = Aes128Key();
  for (size_t size : {16, 240, 256, 272, 1000, 4096, 16384}) {
    std::vector<uint8_t> in = Pkcs7Pad(RandomBytes(size, size));
    std::vector<uint8_t> native(in.size()), virtine(in.size());
    Iv native_iv = HexIv(kNistIv), virtine_iv = native_iv;
    ASSERT_TRUE(
        EncryptCbcNative(key, native_iv, in, absl::MakeSpan(native)).ok());
    uint64_t calls_before = cbc_->cache().stats().acquired;
    ASSERT_TRUE(
        cbc_->Encrypt(key, virtine_iv, in, absl::MakeSpan(virtine)).ok())
        << size;
    EXPECT_EQ(virtine, native) << size << " bytes";
    EXPECT_EQ(virtine_iv, native_iv) << size << " bytes";
    EXPECT_EQ(cbc_->cache().stats().acquired - calls_before,
              (in.size() + kChunkBytes - 1) / kChunkBytes)
        << size << " bytes";
  }
}

TEST_F(VirtineCbcTest, HostRefusesWhatIsNotWholeBlocksOrAKey) {
  Iv iv{};
  std::vector<uint8_t> in(1000), out(1000);
  EXPECT_EQ(cbc_->Encrypt(Aes128Key(), iv, in, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> blocks(32);
  EXPECT_EQ(cbc_->Encrypt(Key{}, iv, blocks, absl::MakeSpan(blocks)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cbc_->cache().stats().acquired, 0u) << "no call was made";
}

TEST_F(VirtineCbcTest, GuestRefusesBadLengthsAndKeys) {
  Key key = Aes128Key();
  Iv iv{};
  std::vector<uint8_t> good = EncodeChunk(key, iv, std::vector<uint8_t>(32));
  struct Case {
    std::vector<uint8_t> arg;
    int exit_code;
  } cases[] = {
      {std::vector<uint8_t>(good.begin(), good.begin() + 259),
       WASP_AES_EXIT_BAD_LENGTH},
      {EncodeChunk(key, iv, std::vector<uint8_t>(15)),
       WASP_AES_EXIT_BAD_LENGTH},
      {EncodeChunk(key, iv, std::vector<uint8_t>(kChunkBytes + 16)),
       WASP_AES_EXIT_BAD_LENGTH},
      {EncodeChunk(Key{}, iv, std::vector<uint8_t>(32)), WASP_AES_EXIT_BAD_KEY},
      {good, WASP_AES_EXIT_OK},
  };
  for (const Case& c : cases) {
    CallResult result = RawCall(c.arg);
    ASSERT_EQ(result.exit.reason, ExitReason::Exited) << result.exit.ToString();
    EXPECT_EQ(result.exit.exit_code, c.exit_code) << c.arg.size() << " bytes";
    EXPECT_EQ(result.result.empty(), c.exit_code != WASP_AES_EXIT_OK);
  }
  std::vector<uint8_t> out(15);
  absl::Status refused = DecodeChunkResult(RawCall(EncodeChunk(key, iv, out)),
                                           absl::Span<uint8_t>(out), iv);
  EXPECT_NE(refused.message().find("refused the chunk's length"),
            std::string::npos)
      << refused;
}

bool Contains(const Virtine& virtine, absl::Span<const uint8_t> needle) {
  auto memory = virtine.memory().Translate(0, virtine.memory().size());
  EXPECT_TRUE(memory.ok()) << memory.status();
  if (!memory.ok()) return false;
  return std::search(memory->begin(), memory->end(), needle.begin(),
                     needle.end()) != memory->end();
}

// The chunk, its key and its ciphertext are in the virtine's memory after
// its call, and gone once the cache has reset it for the next.
TEST_F(VirtineCbcTest, NothingOfOneChunkReachesTheNext) {
  Key key = Aes128Key();
  std::vector<uint8_t> chunk = RandomBytes(kChunkBytes, 42);
  Iv iv = HexIv(kNistIv);
  std::vector<uint8_t> native(chunk.size());
  Iv native_iv = iv;
  ASSERT_TRUE(
      EncryptCbcNative(key, native_iv, chunk, absl::MakeSpan(native)).ok());
  absl::Span<const uint8_t> key_bytes(reinterpret_cast<const uint8_t*>(&key),
                                      sizeof key.rd_key);

  Cache& cache = cbc_->cache();
  auto virtine = cache.acquire();
  ASSERT_TRUE(virtine.ok()) << virtine.status();
  auto result = (*virtine)->call(EncodeChunk(key, iv, chunk),
                                 absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->exit.exit_code, WASP_AES_EXIT_OK)
      << result->exit.ToString();
  // What the scan must find if a reset missed it.
  EXPECT_TRUE(Contains(**virtine, chunk));
  EXPECT_TRUE(Contains(**virtine, key_bytes));
  EXPECT_TRUE(Contains(**virtine, native));

  ASSERT_TRUE(cache.put(*virtine).ok());
  auto next = cache.acquire();
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_EQ(*next, *virtine) << "a pool of one hands out the same virtine";
  EXPECT_FALSE(Contains(**next, chunk));
  EXPECT_FALSE(Contains(**next, key_bytes));
  EXPECT_FALSE(Contains(**next, native));
  ASSERT_TRUE(cache.put(*next).ok());
}

}  // namespace
}  // namespace wasp::aes
