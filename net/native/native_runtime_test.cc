// The host runtime of guest apps: dispatch to the thread's NativeHost,
// per-connection allocation tracking, and the guest's printf on the host.
#include "net/native/native_runtime.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"

namespace wasp {
namespace {

class FakeHost final : public NativeHost {
 public:
  long Recv(absl::Span<uint8_t>) override { return 0; }
  long Send(absl::Span<const uint8_t> out) override { return out.size(); }
  long SendRecv(absl::Span<const uint8_t>, absl::Span<uint8_t>) override {
    return 0;
  }
  [[noreturn]] void SendClose(absl::Span<const uint8_t>) override {
    std::abort();
  }
  absl::Span<const uint8_t> Arg() override { return arg; }
  absl::Span<const uint8_t> Config() override { return {}; }
  [[noreturn]] void Exit(int) override { std::abort(); }
  [[noreturn]] void Fault(std::string_view) override { std::abort(); }
  AllocationArena* arena() override { return &blocks; }

  absl::Span<const uint8_t> arg;
  AllocationArena blocks;
};

TEST(NativeRuntimeTest, TracksBlocksOfTheInstalledHost) {
  void* forever = wasp_malloc(32);  // no host: like init's memory
  ASSERT_NE(forever, nullptr);
  FakeHost host;
  {
    ScopedNativeHost scope(&host);
    void* a = wasp_malloc(100);
    void* b = wasp_calloc(10, 10);
    void* c = wasp_malloc(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
    EXPECT_EQ(static_cast<char*>(b)[99], 0);
    EXPECT_EQ(host.blocks.live_blocks(), 3u);
    std::memset(a, 'x', 100);
    a = wasp_realloc(a, 100000);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(static_cast<char*>(a)[99], 'x');
    wasp_free(b);
    EXPECT_EQ(host.blocks.live_blocks(), 2u);
    // Not this connection's block: left alone, or copied on realloc.
    wasp_free(forever);
    void* copy = wasp_realloc(forever, 64);
    ASSERT_NE(copy, forever);
    EXPECT_EQ(host.blocks.live_blocks(), 3u);
    EXPECT_EQ(wasp_realloc(copy, 0), nullptr);
    EXPECT_EQ(host.blocks.live_blocks(), 2u);
  }
  host.blocks.FreeAll();  // what a session's end does
  EXPECT_EQ(host.blocks.live_blocks(), 0u);
  std::memset(forever, 0, 32);  // still ours
  wasp_free(forever);
  EXPECT_EQ(wasp_calloc(SIZE_MAX, 2), nullptr);
}

TEST(NativeRuntimeTest, ArgumentsFormatAndNoHost) {
  const uint8_t first[] = {'a', 'b', 'c'};
  FakeHost host;
  host.arg = first;
  char buf[8] = {};
  {
    ScopedNativeHost scope(&host);
    EXPECT_EQ(CurrentNativeHost(), &host);
    EXPECT_EQ(wasp_get_arg(buf, 2), 3);
    EXPECT_EQ(std::string(buf), "ab");
    EXPECT_EQ(wasp_send("xy", 2), 2);
  }
  EXPECT_EQ(CurrentNativeHost(), nullptr);
  EXPECT_EQ(wasp_recv(buf, sizeof buf), -WASP_ENOSYS);
  EXPECT_EQ(wasp_get_config(buf, sizeof buf), -WASP_ENOSYS);
  EXPECT_EQ(wasp_snapshot(), 0);
  EXPECT_EQ(wasp_set_result(buf, WASP_CALL_RESULT_MAX + 1), -WASP_EINVAL);
  char text[32];
  EXPECT_EQ(wasp_snprintf(text, sizeof text, "%d-%s-%04x", -42, "ok", 0xbe),
            11);
  EXPECT_EQ(std::string(text), "-42-ok-00be");
}

}  // namespace
}  // namespace wasp
