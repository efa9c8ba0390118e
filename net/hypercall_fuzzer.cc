// Fuzzes the hypercall boundary with a running long-mode virtine (real
// KVM): its guest (tests/guests/hypercall_list.asm) makes whatever hypercalls
// the input lists, with arbitrary numbers, addresses and lengths, at every
// hypercall the host handles. Two hosts, chosen by bit 0 of the first
// byte:
//   - a virtine as embedders run it: WASP_HC_WRITE to a console (/dev/null),
//     the built-in GET_ARG, SET_RESULT, SNAPSHOT and GET_CONFIG, numbers
//     without a handler (-WASP_ENOSYS) and outside the allowlist
//     (-WASP_EPERM);
//   - a connection of wasp-server's virtine pool (net/virtine_session.cc),
//     whose RECV, SEND, SEND_RECV and SEND_CLOSE become socket requests on
//     guest memory; bits 1-3 choose what the "socket" answers.
// Then the rest of the input: up to 36 records, each a number and six
// arguments, encoded so that boundaries are easy to reach (DecodeArgument).
//
// Checks, beyond "the host never crashes": every call and connection ends
// as a value, never a host error; a plain virtine's results are exactly
// what the ABI promises (the value, or the right -WASP_E*: a buffer outside
// guest memory, or one the host would write outside writable memory, is
// refused); a connection's socket requests are guest memory (every byte is
// read or written); and nothing survives a reset: after each input the
// virtine's memory is its snapshot's, byte for byte, its snapshot is the
// same, and a call or connection with no hypercalls answers nothing.
#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/console.h"
#include "engine/virtine.h"
#include "guest/abi/hypercall.h"
#include "net/virtine_session.h"
#include "tests/fuzz/check.h"
#include "tests/guests/hypercall_list_image.h"

namespace {

constexpr uint64_t kMemory = 256 << 10;
constexpr size_t kRecordWords = 7;  // RAX, RDI, RSI, RDX, R10, R8, R9
constexpr size_t kMaxRecords = WASP_CALL_ARG_MAX / (8 * kRecordWords);
constexpr uint64_t kHighestAllowed = 10;  // numbers above: -WASP_EPERM
const absl::Duration kBudget = absl::Milliseconds(50);

using Record = std::array<uint64_t, kRecordWords>;

// Reads the input front to back; missing bytes read as zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint64_t Take(size_t bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i, ++pos_) {
      if (pos_ < size_) value |= uint64_t{data_[pos_]} << (8 * i);
    }
    return value;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Where a guest's buffers may lie: what the encoding aims at.
struct Layout {
  uint64_t area = 0;  // the call area (writable)
  wasp::WritableRegion writable;
};

uint64_t DecodeArgument(Reader& in, const Layout& layout) {
  switch (in.Take(1) % 8) {
    case 0:
      return 0;
    case 1:
      return in.Take(1);
    case 2:
      return in.Take(2);
    case 3:
      return in.Take(8);
    case 4:
      return layout.area + in.Take(2);
    case 5:  // the system area, the restore page, the code
      return WASP_SYSTEM_AREA_START + in.Take(2);
    case 6:
      return kMemory - in.Take(2);
    default:
      return ~uint64_t{0} - in.Take(2);
  }
}

std::vector<Record> DecodeRecords(Reader& in, const Layout& layout) {
  std::vector<Record> records;
  while (!in.empty() && records.size() < kMaxRecords) {
    Record r;
    uint64_t selector = in.Take(1);
    r[0] = selector < 0xF0 ? selector % 16 : in.Take(8);
    for (size_t i = 1; i < kRecordWords; ++i) r[i] = DecodeArgument(in, layout);
    records.push_back(r);
  }
  return records;
}

std::vector<uint8_t> Argument(const std::vector<Record>& records) {
  std::vector<uint8_t> bytes(records.size() * sizeof(Record));
  if (!bytes.empty()) std::memcpy(bytes.data(), records.data(), bytes.size());
  return bytes;
}

bool InMemory(uint64_t address, uint64_t length) {
  return address <= kMemory && length <= kMemory - address;
}

// A buffer the host writes for the guest: inside the memory a reset
// restores (or empty and inside memory).
bool HostMayWrite(const Layout& layout, uint64_t address, uint64_t length) {
  if (length == 0) return InMemory(address, 0);
  const wasp::WritableRegion& w = layout.writable;
  return address >= w.start && address <= w.end && w.end - address >= length;
}

// What a plain virtine answers (see the file comment), and the guest
// memory it writes.
struct Answer {
  int64_t value = 0;
  uint64_t write_start = 0;
  uint64_t write_length = 0;
};

Answer Expected(const Record& r, const Layout& layout, uint64_t arg_size,
                uint64_t config_size) {
  if (r[0] > kHighestAllowed) return {-WASP_EPERM};
  switch (r[0]) {
    case WASP_HC_WRITE:
      return {InMemory(r[1], r[2]) ? static_cast<int64_t>(r[2]) : -WASP_EFAULT};
    case WASP_HC_SET_RESULT:
      if (r[2] > WASP_CALL_RESULT_MAX) return {-WASP_EINVAL};
      return {InMemory(r[1], r[2]) ? 0 : -WASP_EFAULT};
    case WASP_HC_SNAPSHOT:
      return {-WASP_EPERM};  // it has one
    case WASP_HC_GET_ARG:
    case WASP_HC_GET_CONFIG: {
      uint64_t size = r[0] == WASP_HC_GET_ARG ? arg_size : config_size;
      uint64_t length = std::min(r[2], size);
      if (!HostMayWrite(layout, r[1], length)) return {-WASP_EFAULT};
      return {static_cast<int64_t>(size), r[1], length};
    }
    default:
      return {-WASP_ENOSYS};
  }
}

bool Overlaps(const Answer& write, uint64_t start, uint64_t length) {
  return write.write_length > 0 &&
         start < write.write_start + write.write_length &&
         write.write_start < start + length;
}

// A call's results against Expected(). A hypercall that writes guest
// memory may overwrite the results of those before it (they are skipped),
// or the records of those after it: then nothing is known of the rest.
void CheckResults(const std::vector<Record>& records,
                  const std::vector<uint8_t>& result, const Layout& layout,
                  uint64_t config_size) {
  WASP_FUZZ_CHECK(result.size() == records.size() * 8);
  const uint64_t arg_size = records.size() * sizeof(Record);
  const uint64_t record_area = layout.area + offsetof(wasp_call_area, arg);
  const uint64_t slots = layout.area + offsetof(wasp_call_area, result);
  std::vector<Answer> answers;
  for (const Record& record : records) {
    answers.push_back(Expected(record, layout, arg_size, config_size));
    if (Overlaps(answers.back(), record_area, arg_size)) return;
  }
  for (size_t i = 0; i < answers.size(); ++i) {
    bool overwritten = false;
    for (size_t j = i + 1; j < answers.size(); ++j) {
      overwritten = overwritten || Overlaps(answers[j], slots + 8 * i, 8);
    }
    if (overwritten) continue;
    int64_t got;
    std::memcpy(&got, result.data() + 8 * i, 8);
    if (got != answers[i].value) {
      std::fprintf(stderr, "hypercall %zu: %#lx(%#lx, %#lx) = %ld, not %ld\n",
                   i, records[i][0], records[i][1], records[i][2], got,
                   answers[i].value);
    }
    WASP_FUZZ_CHECK(got == answers[i].value);
  }
}

// An embedder's virtine, cloned from a template that took its snapshot.
class EngineHost {
 public:
  EngineHost() {
    console_fd_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    WASP_FUZZ_CHECK(console_fd_ >= 0);
    WASP_FUZZ_CHECK(
        table_.Register(WASP_HC_WRITE, wasp::ConsoleWriteHandler(console_fd_))
            .ok());
    wasp::VirtineOptions options{
        .snapshots = true,
        .budget = kBudget,
        .hypercalls = &table_,
        .allowlist = wasp::HypercallAllowlist::Of(
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, kHighestAllowed}),
        .config = config_};
    auto made = wasp::Virtine::Create(kMemory, options);
    WASP_FUZZ_CHECK(made.ok());
    template_ = *std::move(made);
    WASP_FUZZ_CHECK(template_->load(wasp::images::hypercall_list()).ok());
    auto stop = template_->run_to_snapshot(absl::Now() + absl::Seconds(5));
    WASP_FUZZ_CHECK(stop.ok() && template_->has_snapshot());
    Renew();
  }

  const Layout& layout() const { return layout_; }

  void Run(const std::vector<Record>& records) {
    auto result = virtine_->call(Argument(records), absl::Now() + kBudget);
    WASP_FUZZ_CHECK(result.ok());
    if (result->exit.reason == wasp::ExitReason::Exited &&
        result->exit.exit_code == 0) {
      CheckResults(records, result->result, layout_, config_->size());
    }
    WASP_FUZZ_CHECK(result->exit.exit_code != 97);
    WASP_FUZZ_CHECK(virtine_->reset().ok());
    CheckPristine();
  }

 private:
  void Renew() {
    auto clone = template_->clone();
    WASP_FUZZ_CHECK(clone.ok());
    virtine_ = *std::move(clone);
    auto arg = virtine_->call_argument_buffer();
    WASP_FUZZ_CHECK(arg.ok());
    uint64_t arg_address = arg->data() - virtine_->memory().host_base();
    layout_ = {.area = arg_address - offsetof(wasp_call_area, arg),
               .writable = virtine_->writable_region()};
  }

  // The state every call starts from is the template's, whatever ran.
  void CheckPristine() {
    WASP_FUZZ_CHECK(virtine_->snapshot_image() == template_->snapshot_image());
    const uint8_t* snapshot = template_->snapshot_image()->data();
    WASP_FUZZ_CHECK(
        std::memcmp(virtine_->memory().host_base(), snapshot, kMemory) == 0);
    auto probe = virtine_->call({}, absl::Now() + kBudget);
    WASP_FUZZ_CHECK(probe.ok() &&
                    probe->exit.reason == wasp::ExitReason::Exited &&
                    probe->exit.exit_code == 0 && probe->result.empty());
    WASP_FUZZ_CHECK(virtine_->reset().ok());
  }

  std::shared_ptr<const std::vector<uint8_t>> config_ =
      std::make_shared<const std::vector<uint8_t>>(3000, 'c');
  int console_fd_ = -1;
  wasp::HypercallTable table_;
  std::unique_ptr<wasp::Virtine> template_;
  std::unique_ptr<wasp::Virtine> virtine_;
  Layout layout_;
};

// What the fuzzer's "socket" does: bits 1-3 of the first byte.
struct SocketScript {
  explicit SocketScript(uint8_t flags) : flags(flags) {}
  int64_t Receive(absl::Span<uint8_t> in) const {
    switch ((flags >> 1) & 3) {
      case 0: {
        size_t n = std::min<size_t>(in.size(), 16);
        std::fill(in.begin(), in.begin() + n, 'r');
        return static_cast<int64_t>(n);
      }
      case 1:
        return 0;  // the peer closed
      case 2:
        return -WASP_ECONNRESET;
      default:
        std::fill(in.begin(), in.end(), 'R');
        return static_cast<int64_t>(in.size());
    }
  }
  int64_t Send(absl::Span<const uint8_t> out) const {
    uint8_t sum = 0;  // reads every byte the host would send
    for (uint8_t b : out) sum += b;
    (void)sum;
    return flags & 8 ? -WASP_EPIPE : static_cast<int64_t>(out.size());
  }
  uint8_t flags;
};

// A connection of wasp-server's virtine pool, over a script for a socket.
class SessionHost {
 public:
  SessionHost() {
    auto pool = wasp::MakeVirtinePool(
        wasp::images::hypercall_list(),
        {.memory_bytes = kMemory, .capacity = 1, .cpu_budget = kBudget});
    WASP_FUZZ_CHECK(pool.ok() && pool->sessions != nullptr);
    pool_ = std::move(pool->sessions);
  }

  void Run(const std::vector<Record>& records, SocketScript socket) {
    Serve(Argument(records), socket, /*probe=*/false);
    Serve({}, socket, /*probe=*/true);
  }

 private:
  // One connection; a probe (no hypercalls) must end with an empty
  // SEND_CLOSE and nothing else.
  void Serve(const std::vector<uint8_t>& arg, SocketScript socket, bool probe) {
    auto session = pool_->Acquire();
    WASP_FUZZ_CHECK(session.ok());
    absl::Span<uint8_t> first = (*session)->first_buffer();
    WASP_FUZZ_CHECK(first.size() >= arg.size());
    std::copy(arg.begin(), arg.end(), first.begin());
    auto request = (*session)->Start(-1, arg.size());
    for (int steps = 0; request.ok() && steps < 64; ++steps) {
      using Kind = wasp::IoRequest::Kind;
      if (request->kind == Kind::kDone || request->kind == Kind::kSendClose) {
        break;
      }
      WASP_FUZZ_CHECK(!probe);
      int64_t result = 0;
      switch (request->kind) {
        case Kind::kRecv:
          result = socket.Receive(request->in);
          break;
        case Kind::kSend:
          result = socket.Send(request->out);
          break;
        case Kind::kSendRecv:
          result = socket.Send(request->out);
          if (result >= 0) result = socket.Receive(request->in);
          break;
        default:
          WASP_FUZZ_CHECK(false);  // kWaitFd: not for virtines
      }
      request = (*session)->Resume(result);
    }
    WASP_FUZZ_CHECK(request.ok());
    if (probe) {
      WASP_FUZZ_CHECK(request->kind == wasp::IoRequest::Kind::kSendClose &&
                      request->out.empty());
    }
    WASP_FUZZ_CHECK(pool_->Release(*std::move(session)).ok());
  }

  std::unique_ptr<wasp::SessionPool> pool_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static EngineHost* engine = new EngineHost();
  static SessionHost* sessions = new SessionHost();
  Reader in(data, size);
  uint8_t flags = static_cast<uint8_t>(in.Take(1));
  // Both hosts run the same image: its call area is at the same address.
  std::vector<Record> records = DecodeRecords(in, engine->layout());
  if (flags & 1) {
    sessions->Run(records, SocketScript(flags));
  } else {
    engine->Run(records);
  }
  return 0;
}
