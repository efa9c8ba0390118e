// The echo guests of upstream's Fig. 4 (tests/guests/boot/echo_*.asm),
// started each of the three ways: every milestone in order, the reply equal
// to the request, the exit code its length. Fails, never skips, without a
// usable /dev/kvm.
#include "tools/artifacts/echo_guests.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "guest/abi/hypercall.h"
#include "tests/testing/kvm.h"
#include "tests/testing/nasm_defines.h"

namespace wasp::artifacts {
namespace {

constexpr absl::Duration kBudget = absl::Seconds(10);

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The numeric %define lines of echo.inc.
std::map<std::string, int64_t> EchoIncDefines() {
  auto defines = wasp::testing::ReadNasmDefines("tests/guests/boot/echo.inc");
  EXPECT_TRUE(defines.ok()) << defines.status();
  return defines.ok() ? *defines : std::map<std::string, int64_t>();
}

TEST(EchoProtocolTest, HostAndGuestAgree) {
  std::map<std::string, int64_t> defines = EchoIncDefines();
  EXPECT_EQ(defines["ECHO_HC_RECV"], kEchoRecvHypercall);
  EXPECT_EQ(defines["ECHO_HC_SEND"], kEchoSendHypercall);
  EXPECT_EQ(defines["ECHO_M_COUNT"], kEchoMilestoneCount);
  EXPECT_EQ(defines["ECHO_BUFFER_SIZE"], kEchoBufferSize);
  EXPECT_EQ(kEchoBufferSize, WASP_CALL_ARG_MAX);
  // The server's milestones follow the boot's.
  EXPECT_EQ(defines["ECHO_M_MAIN"], kMilestoneCount);
  for (int id = kEchoMain; id < kEchoMilestoneCount; ++id) {
    std::string name = "ECHO_M_" + absl::AsciiStrToUpper(EchoMilestoneName(id));
    ASSERT_EQ(defines.count(name), 1u) << name << " is not in echo.inc";
    EXPECT_EQ(defines[name], id) << name;
  }
  // Not the boot guests' hypercalls.
  EXPECT_NE(kEchoRecvHypercall, kMilestoneHypercall);
  EXPECT_NE(kEchoRecvHypercall, kFunctionHypercall);
  EXPECT_NE(kEchoSendHypercall, kFunctionHypercall);
}

class EchoGuestsTest : public wasp::testing::KvmTest {};

// The milestone ids a variant's guest reports: the boot's too when it boots.
std::vector<int> ExpectedIds(EchoStart start) {
  std::vector<int> ids;
  for (int id = start == EchoStart::kSelfBoot ? 0 : kEchoMain;
       id < kEchoMilestoneCount; ++id) {
    ids.push_back(id);
  }
  return ids;
}

TEST_F(EchoGuestsTest, EveryStartEchoesEachConnection) {
  // Two connections each: the second starts from reset().
  const std::string requests[] = {"GET / HTTP/1.1\r\n\r\n",
                                  std::string(kEchoBufferSize, 'x')};
  for (const EchoVariant& variant : EchoVariants()) {
    SCOPED_TRACE(variant.name);
    auto echo = EchoVirtine::Create(variant.start, kBudget);
    ASSERT_TRUE(echo.ok()) << echo.status();
    for (absl::string_view request : requests) {
      auto run = (*echo)->Serve(Bytes(request), kBudget);
      ASSERT_TRUE(run.ok()) << run.status();
      EXPECT_EQ(std::string(run->reply.begin(), run->reply.end()), request);
      EXPECT_EQ(run->exit_code, static_cast<int64_t>(request.size()));
      EXPECT_EQ(run->send_calls, 1);
      // Restored, the server finds its request in the call area; started
      // afresh, it receives it itself.
      EXPECT_EQ(run->recv_calls, variant.start == EchoStart::kSnapshot ? 0 : 1);
      std::vector<int> ids;
      for (const Milestone& m : run->milestones) ids.push_back(m.id);
      EXPECT_EQ(ids, ExpectedIds(variant.start));
      for (size_t i = 1; i < run->milestones.size(); ++i) {
        EXPECT_GE(run->milestones[i].tsc, run->milestones[i - 1].tsc)
            << EchoMilestoneName(run->milestones[i].id);
      }
      EXPECT_GT(run->run_cycles, 0u);
      EXPECT_TRUE(CheckEchoRun(variant, *run, Bytes(request)).ok());
    }
  }
}

TEST_F(EchoGuestsTest, RestoredRunsStartAtReady) {
  auto echo = EchoVirtine::Create(EchoStart::kSnapshot, kBudget);
  ASSERT_TRUE(echo.ok()) << echo.status();
  auto first = (*echo)->Serve(Bytes("one"), kBudget);
  auto second = (*echo)->Serve(Bytes("two"), kBudget);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(first->milestones.size(), second->milestones.size());
  // "main" ran once, before the snapshot; everything from "ready" on runs
  // again for each connection.
  EXPECT_EQ(first->milestones.front().id, kEchoMain);
  EXPECT_EQ(first->milestones.front().tsc, second->milestones.front().tsc);
  EXPECT_EQ(first->milestones[1].id, kEchoReady);
  EXPECT_GT(second->milestones[1].tsc, first->milestones.back().tsc);
}

TEST_F(EchoGuestsTest, CheckCatchesAWrongReply) {
  const EchoVariant variant = EchoVariants().at(1);
  auto echo = EchoVirtine::Create(variant.start, kBudget);
  ASSERT_TRUE(echo.ok()) << echo.status();
  auto run = (*echo)->Serve(Bytes("ping"), kBudget);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(CheckEchoRun(variant, *run, Bytes("ping")).ok());
  EXPECT_FALSE(CheckEchoRun(variant, *run, Bytes("pong")).ok());
  EchoRun shuffled = *run;
  std::swap(shuffled.milestones[1], shuffled.milestones[2]);
  EXPECT_FALSE(CheckEchoRun(variant, shuffled, Bytes("ping")).ok());
}

TEST_F(EchoGuestsTest, RefusesRequestsItCannotHold) {
  auto echo = EchoVirtine::Create(EchoStart::kDirect, kBudget);
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_FALSE((*echo)->Serve({}, kBudget).ok());
  std::string big(kEchoBufferSize + 1, 'x');
  EXPECT_FALSE((*echo)->Serve(Bytes(big), kBudget).ok());
}

}  // namespace
}  // namespace wasp::artifacts
