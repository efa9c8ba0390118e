// A connection's virtine (net/virtine_session.cc): its socket hypercalls
// receive only into memory the guest may write, which the reset restores.
// Found by net:hypercall_fuzzer.
#include "net/virtine_session.h"

#include <array>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"
#include "tests/guests/hypercall_list_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

using Record = std::array<uint64_t, 7>;  // RAX, RDI, RSI, RDX, R10, R8, R9

// hypercall_list's read-only code page, and its call area on the next page.
constexpr uint64_t kCode = 0x8000;
constexpr uint64_t kArea = 0x9000;

TEST(VirtineSessionTest, ReceivesOnlyIntoWritableMemory) {
  testing::ExpectKvm();
  auto pool = MakeVirtinePool(images::hypercall_list(),
                              {.memory_bytes = 256 << 10, .capacity = 1});
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_NE(pool->sessions, nullptr);
  auto session = pool->sessions->Acquire();
  ASSERT_TRUE(session.ok()) << session.status();
  const std::vector<Record> records = {
      {WASP_HC_RECV, kCode, 16},
      {WASP_HC_RECV, WASP_RESTORE_PAGE, 16},
      {WASP_HC_SEND_RECV, kArea + 0x400, 8, kCode, 8},
      {WASP_HC_RECV, kArea + 0x400, 16},
  };
  absl::Span<uint8_t> first = (*session)->first_buffer();
  ASSERT_GE(first.size(), records.size() * sizeof(Record));
  std::memcpy(first.data(), records.data(), records.size() * sizeof(Record));

  auto request = (*session)->Start(-1, records.size() * sizeof(Record));
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->kind, IoRequest::Kind::kRecv);  // the last one only
  EXPECT_EQ(request->in.size(), 16u);
  request = (*session)->Resume(16);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->kind, IoRequest::Kind::kSendClose);  // the results
  std::vector<int64_t> results(request->out.size() / 8);
  std::memcpy(results.data(), request->out.data(), results.size() * 8);
  EXPECT_EQ(results, (std::vector<int64_t>{-WASP_EFAULT, -WASP_EFAULT,
                                           -WASP_EFAULT, 16}));
  EXPECT_TRUE(pool->sessions->Release(*std::move(session)).ok());
}

}  // namespace
}  // namespace wasp
