// Fuzzes the host side of a vcc call's bytes (call_blob.h): PackCall with
// arbitrary arguments, buffers, directions and return lengths, and
// UnpackResult with arbitrary guest results. Input:
//   byte 0:    pointer buffers (0-17; more than WASP_VCC_MAX_BUFFERS is
//              refused), bytes 1-2: return length, bytes 3-4: argument
//              length, byte 5: room for the packed call (0: exact fit)
//   per buffer: direction (a byte: any bits), length (2 bytes), and
//              whether its pointer is null
//   the rest:  buffer and argument bytes, then the guest's result.
// Checks, beyond "no crash": a packed call is what vcc_call.h says the
// guest reads (every offset aligned and inside the argument, the bytes in
// place, nothing overlapping), written only inside `out`; refusals are the
// documented errors; UnpackResult copies exactly the result it accepts.
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/types/span.h"
#include "guest/abi/hypercall.h"
#include "guest/abi/vcc_call.h"
#include "tests/fuzz/check.h"
#include "tools/vcc/call_blob.h"

namespace {

using wasp::vcc::BufferSpan;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t Take(size_t bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i, ++pos_) {
      if (pos_ < size_) value |= uint64_t{data_[pos_]} << (8 * i);
    }
    return value;
  }
  // `n` bytes, zeros past the end.
  std::vector<uint8_t> Bytes(size_t n) {
    std::vector<uint8_t> out(n);
    for (uint8_t& b : out) b = static_cast<uint8_t>(Take(1));
    return out;
  }
  std::vector<uint8_t> Rest() {
    return pos_ < size_ ? std::vector<uint8_t>(data_ + pos_, data_ + size_)
                        : std::vector<uint8_t>();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Call {
  std::vector<std::vector<uint8_t>> storage;  // each buffer's bytes
  std::vector<BufferSpan> buffers;
  std::vector<uint8_t> args;
  uint32_t return_length = 0;
  size_t room = 0;
};

Call DecodeCall(Reader& in) {
  Call call;
  size_t count = in.Take(1) % (WASP_VCC_MAX_BUFFERS + 2);
  call.return_length = static_cast<uint32_t>(in.Take(2));
  size_t args_length = in.Take(2) % (WASP_CALL_ARG_MAX + 64);
  call.room = in.Take(1);
  for (size_t i = 0; i < count; ++i) {
    uint32_t direction = static_cast<uint32_t>(in.Take(1));
    if (direction < 0xF0) direction %= 4;  // mostly the valid masks
    uint64_t length = in.Take(2) % 2200;
    bool null = in.Take(1) == 0xFF;
    call.storage.push_back(in.Bytes(length));
    call.buffers.push_back(
        {null ? nullptr : call.storage.back().data(), length, direction});
  }
  call.args = in.Bytes(args_length);
  return call;
}

// What vcc_call.h promises the guest about a packed argument.
void CheckPacked(const Call& call, const std::vector<uint8_t>& out, size_t n) {
  WASP_FUZZ_CHECK(n <= WASP_CALL_ARG_MAX && n <= out.size());
  wasp_vcc_header header;
  WASP_FUZZ_CHECK(n >= sizeof header);
  std::memcpy(&header, out.data(), sizeof header);
  WASP_FUZZ_CHECK(header.magic == WASP_VCC_MAGIC && header.reserved == 0);
  WASP_FUZZ_CHECK(header.buffer_count == call.buffers.size());
  WASP_FUZZ_CHECK(header.return_length == call.return_length);
  const uint64_t table =
      sizeof header + header.buffer_count * sizeof(wasp_vcc_buffer);
  WASP_FUZZ_CHECK(header.args_offset % WASP_VCC_ALIGN == 0 &&
                  header.args_offset >= table);
  WASP_FUZZ_CHECK(header.args_length == call.args.size() &&
                  header.args_offset + header.args_length <= n);
  WASP_FUZZ_CHECK(call.args.empty() ||
                  std::memcmp(out.data() + header.args_offset, call.args.data(),
                              call.args.size()) == 0);
  uint64_t next = header.args_offset + header.args_length;  // in order
  for (size_t i = 0; i < call.buffers.size(); ++i) {
    wasp_vcc_buffer entry;
    std::memcpy(&entry, out.data() + sizeof header + i * sizeof entry,
                sizeof entry);
    const BufferSpan& buffer = call.buffers[i];
    WASP_FUZZ_CHECK(entry.length == buffer.length && entry.reserved == 0);
    WASP_FUZZ_CHECK(entry.direction == buffer.direction);
    WASP_FUZZ_CHECK(entry.offset % WASP_VCC_ALIGN == 0 && entry.offset >= next);
    WASP_FUZZ_CHECK(uint64_t{entry.offset} + entry.length <= n);
    next = uint64_t{entry.offset} + entry.length;
    for (uint32_t j = 0; j < entry.length; ++j) {
      uint8_t want = buffer.direction & WASP_VCC_IN ? buffer.data[j] : 0;
      WASP_FUZZ_CHECK(out[entry.offset + j] == want);
    }
  }
}

void CheckPack(const Call& call) {
  std::vector<uint8_t> sized(WASP_CALL_ARG_MAX);
  auto packed = wasp::vcc::PackCall(absl::MakeSpan(sized), call.args,
                                    call.buffers, call.return_length);
  if (!packed.ok()) {
    WASP_FUZZ_CHECK(absl::IsInvalidArgument(packed.status()) ||
                    absl::IsOutOfRange(packed.status()));
    return;
  }
  CheckPacked(call, sized, *packed);
  // Into exactly the room given, or refused when it is short.
  std::vector<uint8_t> out(call.room == 0 ? *packed : call.room);
  auto again = wasp::vcc::PackCall(absl::MakeSpan(out), call.args, call.buffers,
                                   call.return_length);
  WASP_FUZZ_CHECK(again.ok() == (out.size() >= *packed));
  if (again.ok()) {
    WASP_FUZZ_CHECK(*again == *packed);
    WASP_FUZZ_CHECK(std::memcmp(out.data(), sized.data(), *packed) == 0);
  } else {
    WASP_FUZZ_CHECK(absl::IsInternal(again.status()));
  }
}

// The result goes to the return value, then to the out buffers, in order;
// in-only buffers are not touched.
void CheckUnpack(Call& call, const std::vector<uint8_t>& result) {
  std::vector<std::vector<uint8_t>> before = call.storage;
  std::vector<uint8_t> ret(call.return_length % 64);  // as in main()
  auto status =
      wasp::vcc::UnpackResult(result, call.buffers, absl::MakeSpan(ret));
  const uint64_t expected = wasp::vcc::ResultLength(call.buffers, ret.size());
  if (!status.ok()) {
    WASP_FUZZ_CHECK(absl::IsInvalidArgument(status) ||
                    absl::IsDataLoss(status));
    WASP_FUZZ_CHECK(call.storage == before);
    return;
  }
  WASP_FUZZ_CHECK(result.size() == expected);
  size_t at = ret.size();
  WASP_FUZZ_CHECK(ret.empty() ||
                  std::memcmp(ret.data(), result.data(), ret.size()) == 0);
  for (size_t i = 0; i < call.buffers.size(); ++i) {
    const BufferSpan& buffer = call.buffers[i];
    if (!(buffer.direction & WASP_VCC_OUT)) {
      WASP_FUZZ_CHECK(call.storage[i] == before[i]);
      continue;
    }
    WASP_FUZZ_CHECK(
        buffer.length == 0 ||
        std::memcmp(buffer.data, result.data() + at, buffer.length) == 0);
    at += buffer.length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Call call = DecodeCall(in);
  CheckPack(call);
  std::vector<uint8_t> result = in.Rest();
  CheckUnpack(call, result);
  // And a result of the length the call expects, so that most get copied.
  uint64_t expected =
      wasp::vcc::ResultLength(call.buffers, call.return_length % 64);
  if (expected <= 2 * WASP_CALL_RESULT_MAX && expected != result.size()) {
    result.resize(expected);
    CheckUnpack(call, result);
  }
  return 0;
}
