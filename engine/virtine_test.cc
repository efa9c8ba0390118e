#include "engine/virtine.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/console.h"
#include "gtest/gtest.h"
#include "tests/guests/endless_loop_image.h"
#include "tests/guests/exit_at_entry_image.h"
#include "tests/guests/exit_code_image.h"
#include "tests/guests/halt_image.h"
#include "tests/guests/hypercall_add_image.h"
#include "tests/guests/invalid_opcode_image.h"
#include "tests/guests/null_read_image.h"
#include "tests/guests/outside_memory_image.h"
#include "tests/guests/real_mode_exit_image.h"
#include "tests/guests/real_mode_halt_image.h"
#include "tests/guests/real_mode_hypercall_image.h"
#include "tests/guests/snapshot_request_area_image.h"
#include "tests/guests/syscall_image.h"
#include "tests/guests/unknown_port_image.h"
#include "tests/guests/write_code_image.h"
#include "tests/guests/write_hello_image.h"
#include "tests/guests/write_page_tables_image.h"
#include "tests/guests/write_wild_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 1 << 20;

class VirtineTest : public testing::KvmTest {
 protected:
  std::unique_ptr<Virtine> Boot(const Image& image,
                                VirtineOptions options = {}) {
    auto virtine = Virtine::Create(kMemory, options);
    EXPECT_TRUE(virtine.ok()) << virtine.status();
    if (!virtine.ok()) return nullptr;
    auto status = (*virtine)->load(image);
    EXPECT_TRUE(status.ok()) << status;
    return std::move(*virtine);
  }

  // Runs to the end and checks the reason; returns the exit for details.
  Exit RunExpecting(Virtine& virtine, ExitReason reason) {
    auto exit = virtine.run(absl::Now() + absl::Seconds(10));
    EXPECT_TRUE(exit.ok()) << exit.status();
    if (!exit.ok()) return {};
    EXPECT_EQ(exit->reason, reason) << exit->ToString();
    return *exit;
  }

  static HypercallHandler Add() {
    return [](Virtine&, const Hypercall& call) {
      return HypercallResult::Return(call.args[0] + call.args[1]);
    };
  }
  static HypercallHandler Double() {
    return [](Virtine&, const Hypercall& call) {
      return HypercallResult::Return(call.args[0] * 2);
    };
  }
};

TEST_F(VirtineTest, LongModeExitCode) {
  auto virtine = Boot(images::exit_code());
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, 42);
  EXPECT_EQ(virtine->stats().exits, 1u);
}

// A virtine made to run once (a fresh VM per request) runs like any other
// but keeps nothing to go back to: reset() and clone() say so.
TEST_F(VirtineTest, SingleUseVirtineRunsOnceAndRefusesReset) {
  auto virtine = Boot(images::exit_code(), {.reset = ResetKind::kNone});
  ASSERT_NE(virtine, nullptr);
  EXPECT_EQ(virtine->reset_kind(), ResetKind::kNone);
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 42);
  absl::Status reset = virtine->reset();
  EXPECT_EQ(reset.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reset.message().find("run once"), absl::string_view::npos) << reset;
  EXPECT_EQ(virtine->clone().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(VirtineTest, UnhandledHypercallsReachTheCaller) {
  auto virtine = Boot(images::hypercall_add());
  ASSERT_NE(virtine, nullptr);
  Exit first = RunExpecting(*virtine, ExitReason::Hypercall);
  EXPECT_EQ(first.hypercall.number, 10u);
  EXPECT_EQ(first.hypercall.args, (std::array<uint64_t, 6>{40, 2, 3, 4, 5, 6}));
  virtine->set_hypercall_result(42);
  Exit second = RunExpecting(*virtine, ExitReason::Hypercall);
  EXPECT_EQ(second.hypercall.number, 11u);
  EXPECT_EQ(second.hypercall.args[0], 42u);
  virtine->set_hypercall_result(-7);
  Exit last = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(last.exit_code, -7);
}

TEST_F(VirtineTest, DispatcherAnswersWithoutReturning) {
  HypercallTable table;
  ASSERT_TRUE(table.Register(10, Add()).ok());
  ASSERT_TRUE(table.Register(11, Double()).ok());
  auto virtine = Boot(images::hypercall_add(), {.hypercalls = &table});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, 84);
  EXPECT_EQ(virtine->stats().hypercalls, 2u);
  EXPECT_EQ(virtine->stats().runs, 1u);
}

TEST_F(VirtineTest, UnknownHypercallReturnsEnosys) {
  HypercallTable table;
  ASSERT_TRUE(table.Register(10, Add()).ok());
  auto virtine = Boot(images::hypercall_add(), {.hypercalls = &table});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, -WASP_ENOSYS);
  EXPECT_EQ(virtine->stats().unknown_hypercalls, 1u);
}

TEST_F(VirtineTest, UnknownHypercallFaultsWhenPolicySaysSo) {
  HypercallTable table;
  ASSERT_TRUE(table.Register(10, Add()).ok());
  auto virtine = Boot(
      images::hypercall_add(),
      {.hypercalls = &table, .bad_hypercalls = BadHypercallPolicy::kFault});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Fault);
  EXPECT_EQ(exit.fault.kind, FaultKind::kBadHypercall);
  EXPECT_EQ(exit.fault.address, 11u);
}

TEST_F(VirtineTest, AllowlistRefusesAndCounts) {
  HypercallTable table;
  ASSERT_TRUE(table.Register(10, Add()).ok());
  ASSERT_TRUE(table.Register(11, Double()).ok());
  auto virtine =
      Boot(images::hypercall_add(),
           {.hypercalls = &table, .allowlist = HypercallAllowlist::Of({11})});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, -2 * WASP_EPERM) << "11 doubled 10's -EPERM";
  EXPECT_EQ(virtine->stats().refused_hypercalls, 1u);
}

TEST_F(VirtineTest, ConsoleWritesGuestBytes) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  HypercallTable table;
  ASSERT_TRUE(
      table.Register(WASP_HC_WRITE, ConsoleWriteHandler(pipe_fds[1])).ok());
  auto virtine = Boot(images::write_hello(), {.hypercalls = &table});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, 15);
  char buffer[64] = {};
  ASSERT_EQ(::read(pipe_fds[0], buffer, sizeof buffer), 15);
  EXPECT_EQ(std::string(buffer), "hello, virtine\n");
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_F(VirtineTest, WildHypercallBufferGetsEfault) {
  HypercallTable table;
  ASSERT_TRUE(table.Register(WASP_HC_WRITE, ConsoleWriteHandler(1)).ok());
  auto virtine = Boot(images::write_wild(), {.hypercalls = &table});
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Exited);
  EXPECT_EQ(exit.exit_code, -WASP_EFAULT);
}

struct FaultCase {
  const char* name;
  Image (*image)();
  ExitReason reason;
  FaultKind kind;
  std::vector<uint32_t> vectors;  // any of these
  uint64_t address;
  Mode mode = Mode::kLong;
};

class HostileGuestTest : public VirtineTest,
                         public ::testing::WithParamInterface<FaultCase> {};

// Each hostile guest is stopped and reported, the same way on every rerun,
// and the virtine then runs a well-behaved image.
TEST_P(HostileGuestTest, IsStoppedReportedAndReset) {
  const FaultCase& c = GetParam();
  Image image = c.image();
  if (std::string(c.name) == "write_code") image.read_only_size = 0x1000;
  auto virtine = Boot(image, {.mode = c.mode});
  ASSERT_NE(virtine, nullptr);
  for (int attempt = 0; attempt < 2; ++attempt) {
    Exit exit = RunExpecting(*virtine, c.reason);
    if (c.reason == ExitReason::Fault) {
      EXPECT_EQ(exit.fault.kind, c.kind) << exit.ToString();
      EXPECT_NE(
          std::find(c.vectors.begin(), c.vectors.end(), exit.fault.vector),
          c.vectors.end())
          << exit.ToString();
      EXPECT_EQ(exit.fault.address, c.address) << exit.ToString();
      EXPECT_TRUE(virtine->poisoned());
      // A poisoned virtine does not run again before a reset.
      RunExpecting(*virtine, ExitReason::Fault);
    }
    ASSERT_TRUE(virtine->reset().ok());
  }
  ASSERT_TRUE(virtine
                  ->load(c.mode == Mode::kLong ? images::exit_code()
                                               : images::real_mode_exit())
                  .ok());
  RunExpecting(*virtine, ExitReason::Exited);
}

INSTANTIATE_TEST_SUITE_P(
    Guests, HostileGuestTest,
    ::testing::Values(FaultCase{"outside_memory",
                                images::outside_memory,
                                ExitReason::Fault,
                                FaultKind::kOutsideMemory,
                                {0},
                                0x1000000},
                      FaultCase{"unknown_port",
                                images::unknown_port,
                                ExitReason::Fault,
                                FaultKind::kUnknownPort,
                                {0},
                                0x80},
                      FaultCase{"invalid_opcode",
                                images::invalid_opcode,
                                ExitReason::Fault,
                                FaultKind::kException,
                                {6},
                                0},
                      // #UD with EFER.SCE clear; PVM instead enters LSTAR (0)
                      // at CPL0, which faults on the not-present null page.
                      FaultCase{"syscall",
                                images::syscall,
                                ExitReason::Fault,
                                FaultKind::kException,
                                {6, 14},
                                0},
                      FaultCase{"null_read",
                                images::null_read,
                                ExitReason::Fault,
                                FaultKind::kException,
                                {14},
                                0},
                      FaultCase{"write_page_tables",
                                images::write_page_tables,
                                ExitReason::Fault,
                                FaultKind::kException,
                                {14},
                                0x2000},
                      FaultCase{"write_code",
                                images::write_code,
                                ExitReason::Fault,
                                FaultKind::kException,
                                {14},
                                0x8007},
                      FaultCase{
                          "halt", images::halt, ExitReason::Halted, {}, {}, 0}),
    [](const auto& info) { return std::string(info.param.name); });

// With its IDT wiped (only the host can), an exception cannot be delivered:
// #UD, then #GP, then #DF, then a triple fault. The vCPU stays usable.
TEST_F(VirtineTest, TripleFaultIsReportedAndTheVcpuRecovers) {
  auto virtine = Boot(images::invalid_opcode());
  ASSERT_NE(virtine, nullptr);
  auto idt = virtine->memory().TranslateForWrite(0x1000, 0x1000);
  ASSERT_TRUE(idt.ok());
  std::fill(idt->begin() + 0x200, idt->begin() + 0x400, 0);
  for (int i = 0; i < 2; ++i) {
    Exit exit = RunExpecting(*virtine, ExitReason::Fault);
    EXPECT_EQ(exit.fault.kind, FaultKind::kTripleFault) << exit.ToString();
    ASSERT_TRUE(virtine->reset().ok());
  }
  // Loading rebuilds the system area.
  ASSERT_TRUE(virtine->load(images::invalid_opcode()).ok());
  Exit exit = RunExpecting(*virtine, ExitReason::Fault);
  EXPECT_EQ(exit.fault.kind, FaultKind::kException) << exit.ToString();
  EXPECT_EQ(exit.fault.vector, 6u);
}

TEST_F(VirtineTest, ExceptionReportsTheGuestRip) {
  auto virtine = Boot(images::invalid_opcode());
  ASSERT_NE(virtine, nullptr);
  Exit exit = RunExpecting(*virtine, ExitReason::Fault);
  EXPECT_EQ(exit.fault.rip, 0x8000u) << exit.ToString();
  EXPECT_NE(exit.ToString().find("invalid opcode"), std::string::npos);
}

TEST_F(VirtineTest, EndlessLoopTimesOutAndCanContinueOrReset) {
  auto virtine = Boot(images::endless_loop());
  ASSERT_NE(virtine, nullptr);
  for (int i = 0; i < 3; ++i) {
    absl::Time start = absl::Now();
    auto exit = virtine->run(start + absl::Milliseconds(20));
    ASSERT_TRUE(exit.ok()) << exit.status();
    EXPECT_EQ(exit->reason, ExitReason::Timeout);
    EXPECT_GE(absl::Now() - start, absl::Milliseconds(20));
    EXPECT_FALSE(virtine->poisoned()) << "a timeout can be resumed";
  }
  EXPECT_EQ(virtine->stats().timeouts, 3u);
  ASSERT_TRUE(virtine->reset().ok());
  ASSERT_TRUE(virtine->load(images::exit_code()).ok());
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 42);
}

// The budget counts CPU time: a thread that sleeps (here in a hypercall
// handler; in a server, preempted) does not use it up.
TEST_F(VirtineTest, BudgetCountsCpuTimeNotWallTime) {
  HypercallTable table;
  ASSERT_TRUE(table
                  .Register(10,
                            [](Virtine&, const Hypercall& call) {
                              absl::SleepFor(absl::Milliseconds(150));
                              return HypercallResult::Return(call.args[0] +
                                                             call.args[1]);
                            })
                  .ok());
  ASSERT_TRUE(table.Register(11, Double()).ok());
  auto virtine = Boot(images::hypercall_add(), {.hypercalls = &table});
  ASSERT_NE(virtine, nullptr);
  auto exit = virtine->run(absl::Now() + absl::Milliseconds(50));
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->reason, ExitReason::Exited) << exit->ToString();
  EXPECT_EQ(exit->exit_code, 84);
}

TEST_F(VirtineTest, DefaultBudgetStopsEndlessLoops) {
  auto virtine =
      Boot(images::endless_loop(), {.budget = absl::Milliseconds(30)});
  ASSERT_NE(virtine, nullptr);
  auto exit = virtine->run();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->reason, ExitReason::Timeout);
}

// KVM completes an `out` on the next entry; a reset must not let that skip
// the first instruction of the restored state.
TEST_F(VirtineTest, ResetAfterExitAtEntryRunsTheExitAgain) {
  auto virtine = Boot(images::exit_at_entry());
  ASSERT_NE(virtine, nullptr);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 0);
    ASSERT_TRUE(virtine->reset().ok());
  }
  auto real = Boot(images::real_mode_exit(), {.mode = Mode::kReal});
  ASSERT_NE(real, nullptr);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(RunExpecting(*real, ExitReason::Exited).exit_code, 0);
    ASSERT_TRUE(real->reset().ok());
  }
}

TEST_F(VirtineTest, ShortBudgetsDoNotFireEarly) {
  auto virtine = Boot(images::exit_code());
  ASSERT_NE(virtine, nullptr);
  for (int i = 0; i < 200; ++i) {
    auto exit = virtine->run(absl::Now() + absl::Milliseconds(50));
    ASSERT_TRUE(exit.ok());
    ASSERT_EQ(exit->reason, ExitReason::Exited) << "run " << i;
    ASSERT_TRUE(virtine->reset().ok());
  }
}

TEST_F(VirtineTest, TimeoutsOnSeveralThreadsStopOnlyTheirVirtine) {
  std::vector<std::thread> threads;
  std::atomic<int> timeouts = 0, exits = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto virtine = Virtine::Create(kMemory);
      ASSERT_TRUE(virtine.ok());
      bool loop = t % 2 == 0;
      ASSERT_TRUE(
          (*virtine)
              ->load(loop ? images::endless_loop() : images::exit_code())
              .ok());
      auto exit = (*virtine)->run(absl::Now() + absl::Milliseconds(50));
      ASSERT_TRUE(exit.ok());
      (exit->reason == ExitReason::Timeout ? timeouts : exits)++;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(timeouts, 2);
  EXPECT_EQ(exits, 2);
}

TEST_F(VirtineTest, RealModeRunsTheUpstreamExample) {
  auto virtine = Boot(images::real_mode_exit(), {.mode = Mode::kReal});
  ASSERT_NE(virtine, nullptr);
  EXPECT_EQ(images::real_mode_exit().bytes.size(), 3u);
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 0);
}

TEST_F(VirtineTest, RealModeHaltResumes) {
  auto virtine = Boot(images::real_mode_halt(), {.mode = Mode::kReal});
  ASSERT_NE(virtine, nullptr);
  RunExpecting(*virtine, ExitReason::Halted);
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 7);
}

// The upstream README's host.cpp, line for line, on its 3-byte image.
TEST_F(VirtineTest, UpstreamReadmeExampleRunsUnchanged) {
  wasp::Virtine virtine;
  virtine.allocate_memory(4096 * 4);
  virtine.load_binary("tests/guests/real_mode_exit.bin", 0x8000);
  int runs = 0;
  while (1) {
    auto res = virtine.run();
    ASSERT_LT(++runs, 10) << "the upstream loop would never end";
    if (res == wasp::ExitReason::Hypercall) {
    }
    if (res == wasp::ExitReason::Exited) break;
  }
  EXPECT_EQ(virtine.options().mode, Mode::kReal);
}

TEST_F(VirtineTest, RealModeHypercall) {
  auto virtine = Boot(images::real_mode_hypercall(), {.mode = Mode::kReal});
  ASSERT_NE(virtine, nullptr);
  Exit call = RunExpecting(*virtine, ExitReason::Hypercall);
  EXPECT_EQ(call.hypercall.number, 10u);
  EXPECT_EQ(call.hypercall.args[0], 40u);
  EXPECT_EQ(call.hypercall.args[1], 2u);
  virtine->set_hypercall_result(42);
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 42);
}

TEST_F(VirtineTest, UpstreamStyleLoadFromFile) {
  Virtine virtine(VirtineOptions{});
  ASSERT_TRUE(virtine.allocate_memory(4096 * 16).ok());
  ASSERT_TRUE(virtine.load_binary("tests/guests/exit_code.bin", 0x8000).ok());
  auto res = virtine.run();
  EXPECT_TRUE(res == ExitReason::Exited);
  EXPECT_EQ(res->exit_code, 42);
}

// snapshot_request_area reads WASP_HC_SNAPSHOT's second argument here.
constexpr uint64_t kRequestsArgument = 0x8100;
// Its code page is read-only: writable memory starts on the next page.
constexpr uint64_t kFirstWritable = 0x9000;

std::unique_ptr<Virtine> SnapshotWithRequestArea(uint64_t address) {
  Image image = images::snapshot_request_area();
  image.read_only_size = 0x1000;
  auto virtine = Virtine::Create(kMemory);
  EXPECT_TRUE(virtine.ok()) << virtine.status();
  if (!virtine.ok()) return nullptr;
  EXPECT_TRUE((*virtine)->load(image).ok());
  uint8_t bytes[8];
  std::memcpy(bytes, &address, sizeof address);
  EXPECT_TRUE((*virtine)->memory().Write(kRequestsArgument, bytes).ok());
  return std::move(*virtine);
}

// A request area is recorded only when all of it lies, 8-byte aligned, in
// memory the guest may write; anything else gets -WASP_EFAULT, as a bad
// call area does, and no snapshot.
TEST_F(VirtineTest, SnapshotRecordsOnlyAValidRequestArea) {
  constexpr uint64_t kSize = sizeof(wasp_request_area);
  struct Case {
    uint64_t address;
    int64_t result;
  } cases[] = {
      {0, 0},                               // none
      {kFirstWritable, 0},                  // the first place it may be
      {kMemory - kSize, 0},                 // the last place it fits
      {kFirstWritable + 4, -WASP_EFAULT},   // misaligned
      {0x8008, -WASP_EFAULT},               // in the read-only code page
      {0x1000, -WASP_EFAULT},               // in the system area
      {kMemory - kSize + 8, -WASP_EFAULT},  // runs past the end of memory
      {kMemory, -WASP_EFAULT},
      {~uint64_t{7}, -WASP_EFAULT},  // wraps around
  };
  for (const Case& c : cases) {
    auto virtine = SnapshotWithRequestArea(c.address);
    ASSERT_NE(virtine, nullptr);
    Exit exit = RunExpecting(*virtine, ExitReason::Exited);
    EXPECT_EQ(exit.exit_code, c.result) << std::hex << c.address;
    if (c.result == 0 && c.address != 0) {
      EXPECT_EQ(virtine->request_area(), c.address);
    } else {
      EXPECT_EQ(virtine->request_area(), std::nullopt) << std::hex << c.address;
    }
    EXPECT_EQ(virtine->has_snapshot(), c.result == 0) << std::hex << c.address;
  }
}

TEST_F(VirtineTest, ClonesKeepTheRequestArea) {
  auto virtine = SnapshotWithRequestArea(kFirstWritable + 64);
  ASSERT_NE(virtine, nullptr);
  EXPECT_EQ(RunExpecting(*virtine, ExitReason::Exited).exit_code, 0);
  auto clone = virtine->clone();
  ASSERT_TRUE(clone.ok()) << clone.status();
  EXPECT_EQ((*clone)->request_area(), kFirstWritable + 64);
  // A new image is a new guest: it registers its own.
  ASSERT_TRUE(virtine->load(images::exit_code()).ok());
  EXPECT_EQ(virtine->request_area(), std::nullopt);
}

TEST_F(VirtineTest, ClearErrorsForMisuse) {
  Virtine unallocated;
  EXPECT_EQ(unallocated.run().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(unallocated.load(images::exit_code()).code(),
            absl::StatusCode::kFailedPrecondition);

  auto virtine = Virtine::Create(kMemory);
  ASSERT_TRUE(virtine.ok());
  EXPECT_EQ((*virtine)->run().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*virtine)->allocate_memory(kMemory).code(),
            absl::StatusCode::kFailedPrecondition);
  auto missing = (*virtine)->load_binary("/nonexistent/image.bin", 0x8000);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("/nonexistent/image.bin"),
            std::string::npos);
  std::vector<uint8_t> big(kMemory, 0x90);
  EXPECT_EQ((*virtine)->load_binary(big, 0x8000).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*virtine)->load_binary(images::exit_code().bytes, 0x1000).code(),
            absl::StatusCode::kInvalidArgument)
      << "below 0x8000 is the system area";

  auto tiny = Virtine::Create(4096);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ((*tiny)->memory().size(), kMinimumMemory);
  EXPECT_EQ(Virtine::Create(uint64_t{2} << 30).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wasp
