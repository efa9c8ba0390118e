#include "tools/vcc/call_blob.h"

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"

namespace wasp::vcc {
namespace {

// Debian's GoogleTest links no gmock: a substring check by hand.
::testing::AssertionResult Says(const absl::Status& status,
                                const std::string& text) {
  if (std::string(status.message()).find(text) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << status << " does not say \"" << text << "\"";
}

// What a guest sees in a packed argument, checked as vcc_main.c checks it.
struct ParsedCall {
  wasp_vcc_header header;
  std::vector<wasp_vcc_buffer> table;
  std::vector<uint8_t> args;
  std::vector<std::vector<uint8_t>> buffers;
};

bool Within(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

::testing::AssertionResult Parse(const std::vector<uint8_t>& argument,
                                 ParsedCall* call) {
  if (argument.size() < sizeof(wasp_vcc_header)) {
    return ::testing::AssertionFailure() << "no header";
  }
  std::memcpy(&call->header, argument.data(), sizeof call->header);
  const wasp_vcc_header& h = call->header;
  if (h.magic != WASP_VCC_MAGIC || h.reserved != 0 ||
      h.buffer_count > WASP_VCC_MAX_BUFFERS ||
      h.return_length > WASP_CALL_RESULT_MAX) {
    return ::testing::AssertionFailure() << "bad header";
  }
  if (!Within(sizeof h, h.buffer_count * sizeof(wasp_vcc_buffer),
              argument.size()) ||
      !Within(h.args_offset, h.args_length, argument.size()) ||
      h.args_offset % WASP_VCC_ALIGN != 0) {
    return ::testing::AssertionFailure() << "bad table or args";
  }
  call->args.assign(argument.begin() + h.args_offset,
                    argument.begin() + h.args_offset + h.args_length);
  for (uint32_t i = 0; i < h.buffer_count; ++i) {
    wasp_vcc_buffer entry;
    std::memcpy(&entry, argument.data() + sizeof h + i * sizeof entry,
                sizeof entry);
    if (!Within(entry.offset, entry.length, argument.size()) ||
        entry.offset % WASP_VCC_ALIGN != 0 || entry.reserved != 0 ||
        entry.direction == 0 || entry.direction > 3) {
      return ::testing::AssertionFailure() << "bad buffer " << i;
    }
    call->table.push_back(entry);
    call->buffers.emplace_back(argument.begin() + entry.offset,
                               argument.begin() + entry.offset + entry.length);
  }
  return ::testing::AssertionSuccess();
}

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

BufferSpan Buffer(std::vector<uint8_t>& bytes, uint32_t direction) {
  return {.data = bytes.data(), .length = bytes.size(), .direction = direction};
}

absl::StatusOr<std::vector<uint8_t>> Pack(absl::Span<const uint8_t> args,
                                          absl::Span<const BufferSpan> buffers,
                                          uint32_t return_length) {
  std::vector<uint8_t> out(WASP_CALL_ARG_MAX, 0xAA);
  absl::StatusOr<size_t> length =
      PackCall(absl::MakeSpan(out), args, buffers, return_length);
  if (!length.ok()) return length.status();
  out.resize(*length);
  return out;
}

TEST(PackCallTest, RoundTrips) {
  std::vector<uint8_t> args = Bytes("twelve bytes");
  std::vector<uint8_t> in = Bytes("input");
  std::vector<uint8_t> out = Bytes("garbage");
  std::vector<uint8_t> inout = Bytes("abc");
  std::vector<uint8_t> text = Bytes(std::string("hi\0", 3));
  const BufferSpan buffers[] = {
      Buffer(in, WASP_VCC_IN), Buffer(out, WASP_VCC_OUT),
      Buffer(inout, WASP_VCC_IN | WASP_VCC_OUT), Buffer(text, WASP_VCC_IN)};
  auto packed = Pack(args, buffers, 8);
  ASSERT_TRUE(packed.ok()) << packed.status();
  ParsedCall call;
  ASSERT_TRUE(Parse(*packed, &call));
  EXPECT_EQ(call.header.buffer_count, 4u);
  EXPECT_EQ(call.header.return_length, 8u);
  EXPECT_EQ(call.header.args_length, 12u);
  EXPECT_EQ(call.args, args);
  EXPECT_EQ(call.buffers[0], in);
  EXPECT_EQ(call.buffers[1], std::vector<uint8_t>(7, 0));  // out-only: zeros
  EXPECT_EQ(call.buffers[2], inout);
  EXPECT_EQ(call.buffers[3], text);
  EXPECT_EQ(call.table[1].direction, WASP_VCC_OUT);
  EXPECT_EQ(call.table[2].direction, WASP_VCC_IN | WASP_VCC_OUT);
}

TEST(PackCallTest, AlignsEveryPartAndZeroesPadding) {
  std::vector<uint8_t> args(5, 1);
  std::vector<uint8_t> a(3, 2), b(17, 3), c(1, 4);
  const BufferSpan buffers[] = {Buffer(a, WASP_VCC_IN), Buffer(b, WASP_VCC_IN),
                                Buffer(c, WASP_VCC_IN)};
  auto packed = Pack(args, buffers, 0);
  ASSERT_TRUE(packed.ok()) << packed.status();
  ParsedCall call;
  ASSERT_TRUE(Parse(*packed, &call));
  // 24-byte header, 3 * 16 of table = 72 -> 80.
  EXPECT_EQ(call.header.args_offset, 80u);
  EXPECT_EQ(call.table[0].offset, 96u);   // after 80 + 5
  EXPECT_EQ(call.table[1].offset, 112u);  // after 96 + 3
  EXPECT_EQ(call.table[2].offset, 144u);  // after 112 + 17
  EXPECT_EQ(packed->size(), 145u);        // ends with the last buffer
  // Every byte outside the parts is zero, whatever `out` held before.
  std::vector<bool> used(packed->size(), false);
  auto mark = [&](uint64_t from, uint64_t n) {
    for (uint64_t i = from; i < from + n; ++i) used[i] = true;
  };
  mark(0, 24 + 3 * 16);
  mark(80, 5);
  for (const auto& entry : call.table) mark(entry.offset, entry.length);
  for (size_t i = 0; i < packed->size(); ++i) {
    if (!used[i]) {
      EXPECT_EQ((*packed)[i], 0) << "padding byte " << i;
    }
  }
}

TEST(PackCallTest, NoArgumentsNoBuffers) {
  auto packed = Pack({}, {}, 0);
  ASSERT_TRUE(packed.ok()) << packed.status();
  ParsedCall call;
  ASSERT_TRUE(Parse(*packed, &call));
  EXPECT_EQ(call.header.args_offset, 32u);
  EXPECT_EQ(call.header.args_length, 0u);
  EXPECT_EQ(packed->size(), 32u);
}

TEST(PackCallTest, FillsTheArgumentExactly) {
  std::vector<uint8_t> args(WASP_CALL_ARG_MAX - 32, 7);
  auto packed = Pack(args, {}, 0);
  ASSERT_TRUE(packed.ok()) << packed.status();
  EXPECT_EQ(packed->size(), size_t{WASP_CALL_ARG_MAX});
}

TEST(PackCallTest, SaysHowFarTheArgumentIsOverItsLimit) {
  std::vector<uint8_t> args(WASP_CALL_ARG_MAX - 32, 7);
  std::vector<uint8_t> in(1, 1);
  const BufferSpan buffers[] = {Buffer(in, WASP_VCC_IN)};
  // 24 + 16 -> 48, args up to 2056, the buffer 2064..2065.
  auto packed = Pack(args, buffers, 0);
  EXPECT_EQ(packed.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(Says(packed.status(), "WASP_CALL_ARG_MAX (2040)"));
  EXPECT_TRUE(Says(packed.status(), "need 2065 argument bytes"));
  EXPECT_TRUE(Says(packed.status(), "25 over"));
}

TEST(PackCallTest, SaysHowFarTheResultIsOverItsLimit) {
  std::vector<uint8_t> out(100);
  const BufferSpan buffers[] = {Buffer(out, WASP_VCC_OUT)};
  auto packed = Pack({}, buffers, WASP_CALL_RESULT_MAX - 99);
  EXPECT_EQ(packed.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(Says(packed.status(), "WASP_CALL_RESULT_MAX (2048)"));
  EXPECT_TRUE(Says(packed.status(), "1 over"));
  // In-only bytes do not count toward the result.
  const BufferSpan in_only[] = {Buffer(out, WASP_VCC_IN)};
  EXPECT_TRUE(Pack({}, in_only, WASP_CALL_RESULT_MAX).ok());
}

TEST(PackCallTest, SaysHowManyBuffersAreTooMany) {
  std::vector<uint8_t> byte(1);
  std::vector<BufferSpan> buffers(WASP_VCC_MAX_BUFFERS + 2,
                                  Buffer(byte, WASP_VCC_IN));
  auto packed = Pack({}, buffers, 0);
  EXPECT_EQ(packed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Says(packed.status(),
                   "18 pointer buffers are 2 over the limit of "
                   "WASP_VCC_MAX_BUFFERS (16)"));
  buffers.resize(WASP_VCC_MAX_BUFFERS);
  EXPECT_TRUE(Pack({}, buffers, 0).ok());
}

TEST(PackCallTest, RefusesBadBuffers) {
  const BufferSpan null_with_bytes[] = {
      {.data = nullptr, .length = 4, .direction = WASP_VCC_IN}};
  EXPECT_TRUE(Says(Pack({}, null_with_bytes, 0).status(), "buffer 0 is null"));
  const BufferSpan null_empty[] = {
      {.data = nullptr, .length = 0, .direction = WASP_VCC_OUT}};
  EXPECT_TRUE(Pack({}, null_empty, 0).ok());
  std::vector<uint8_t> byte(1);
  const BufferSpan no_direction[] = {Buffer(byte, 0)};
  EXPECT_TRUE(Says(Pack({}, no_direction, 0).status(), "direction"));
  const BufferSpan bad_direction[] = {Buffer(byte, 4)};
  EXPECT_FALSE(Pack({}, bad_direction, 0).ok());
}

TEST(PackCallTest, HugeLengthsAreOverTheLimitNotWrapped) {
  std::vector<uint8_t> byte(1);
  const uint64_t huge = std::numeric_limits<uint64_t>::max();
  const BufferSpan in[] = {
      {.data = byte.data(), .length = huge, .direction = WASP_VCC_IN}};
  EXPECT_EQ(Pack({}, in, 0).status().code(), absl::StatusCode::kOutOfRange);
  const BufferSpan out[] = {
      {.data = byte.data(), .length = huge, .direction = WASP_VCC_OUT}};
  EXPECT_EQ(Pack({}, out, 8).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(PackCallTest, RefusesAnOutputTooSmall) {
  std::vector<uint8_t> small(40);
  std::vector<uint8_t> args(12);
  EXPECT_EQ(PackCall(absl::MakeSpan(small), args, {}, 0).status().code(),
            absl::StatusCode::kInternal);
}

TEST(UnpackResultTest, CopiesReturnValueAndOutBuffersInOrder) {
  std::vector<uint8_t> in = Bytes("in"), out = Bytes("..."),
                       inout = Bytes("xy");
  const BufferSpan buffers[] = {Buffer(in, WASP_VCC_IN),
                                Buffer(out, WASP_VCC_OUT),
                                Buffer(inout, WASP_VCC_IN | WASP_VCC_OUT)};
  EXPECT_EQ(ResultLength(buffers, 4), 9u);
  const std::vector<uint8_t> result = Bytes("RRRRoooIO");
  uint8_t ret[4] = {};
  ASSERT_TRUE(UnpackResult(result, buffers, absl::MakeSpan(ret)).ok());
  EXPECT_EQ(std::string(ret, ret + 4), "RRRR");
  EXPECT_EQ(out, Bytes("ooo"));
  EXPECT_EQ(inout, Bytes("IO"));
  EXPECT_EQ(in, Bytes("in"));  // not copied back
}

TEST(UnpackResultTest, RequiresTheExactLength) {
  std::vector<uint8_t> out(3, 0);
  const BufferSpan buffers[] = {Buffer(out, WASP_VCC_OUT)};
  uint8_t ret[4] = {};
  for (size_t length : {0, 6, 8, 2048}) {
    const std::vector<uint8_t> result(length, 9);
    absl::Status status = UnpackResult(result, buffers, absl::MakeSpan(ret));
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << length;
    EXPECT_TRUE(Says(status, "not the 7 expected"));
  }
  EXPECT_EQ(std::vector<uint8_t>(ret, ret + 4), std::vector<uint8_t>(4, 0));
  EXPECT_EQ(out, std::vector<uint8_t>(3, 0));
}

TEST(UnpackResultTest, VoidWithoutBuffers) {
  EXPECT_TRUE(UnpackResult({}, {}, {}).ok());
}

}  // namespace
}  // namespace wasp::vcc
