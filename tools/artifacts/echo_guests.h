// Upstream's Fig. 4 (echo server boot latency): the echo guests of
// tests/guests/boot (echo.inc) started the three ways this repository can
// start them, each serving one connection per Serve(); shared by
// paper_echo and its test.
#ifndef WASP_TOOLS_ARTIFACTS_ECHO_GUESTS_H_
#define WASP_TOOLS_ARTIFACTS_ECHO_GUESTS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/hypercall.h"
#include "engine/virtine.h"
#include "tools/artifacts/boot_guests.h"

namespace wasp::artifacts {

// The protocol of tests/guests/boot/echo.inc; echo_guests_test checks that
// the two agree. Milestones continue boot.inc's and are reported with
// kMilestoneHypercall.
inline constexpr uint64_t kEchoRecvHypercall = 22;
inline constexpr uint64_t kEchoSendHypercall = 23;
inline constexpr int kEchoMain = 9;
inline constexpr int kEchoReady = 10;
inline constexpr int kEchoReceived = 11;
inline constexpr int kEchoSent = 12;
inline constexpr int kEchoDone = 13;
inline constexpr int kEchoMilestoneCount = 14;
// As much as a call's argument holds (WASP_CALL_ARG_MAX), so that every
// variant takes the same requests.
inline constexpr uint64_t kEchoBufferSize = 2040;

// The name of milestone `id`: boot.inc's (kMilestoneNames), then "main",
// "ready", "received", "sent", "done".
const char* EchoMilestoneName(int id);

// How a connection's virtine starts.
enum class EchoStart {
  kSelfBoot,  // upstream's way: real mode, the guest boots to long mode
  kDirect,    // Wasp without snapshots: host-built long mode at main
  kSnapshot,  // Wasp's server: restored at "ready", the request as argument
};

struct EchoVariant {
  EchoStart start;
  std::string name;         // short, for CSV files
  std::string description;  // for tables
  // The run's first milestone, where its timeline starts: the first
  // instruction it runs (after the restore, for kSnapshot).
  int first_milestone;
};
std::vector<EchoVariant> EchoVariants();

// One connection served.
struct EchoRun {
  // In the order the guest reported them, after the connection. A restored
  // guest reports the milestones before its snapshot too, as the snapshot
  // recorded them.
  std::vector<Milestone> milestones;
  std::vector<uint8_t> reply;  // the bytes of its send hypercalls
  int recv_calls = 0;
  int send_calls = 0;
  int64_t exit_code = 0;
  // Host TSC cycles of reset(), and of run() (call() for kSnapshot) until
  // the guest's first report reached the host: the connection up to
  // "done", plus one exit.
  uint64_t reset_cycles = 0;
  uint64_t run_cycles = 0;
};

// One echo-server virtine, started one way.
class EchoVirtine final {
 public:
  // Creates and loads the virtine; for kSnapshot also runs it up to its
  // snapshot.
  static absl::StatusOr<std::unique_ptr<EchoVirtine>> Create(
      EchoStart start, absl::Duration budget);
  EchoVirtine(const EchoVirtine&) = delete;
  EchoVirtine& operator=(const EchoVirtine&) = delete;

  // Resets the virtine and serves one connection whose client sends
  // `request` (1 to kEchoBufferSize bytes) and then closes. An error if
  // the guest stops other than by exiting; what it did is the caller's to
  // check.
  absl::StatusOr<EchoRun> Serve(absl::Span<const uint8_t> request,
                                absl::Duration budget);

 private:
  explicit EchoVirtine(EchoStart start) : start_(start) {}
  absl::Status Start(absl::Duration budget);
  HypercallResult Recv(Virtine& virtine, const Hypercall& call);
  HypercallResult Send(Virtine& virtine, const Hypercall& call);
  HypercallResult Report(const Hypercall& call);

  EchoStart start_;
  HypercallTable hypercalls_;  // outlives virtine_, which points to it
  std::unique_ptr<Virtine> virtine_;
  // The connection being served.
  absl::Span<const uint8_t> request_;
  bool request_delivered_ = false;
  EchoRun* run_ = nullptr;
  uint64_t run_start_ = 0;
};

// The checks paper_echo makes of every run: the milestones of `variant`
// in order with non-decreasing TSCs, the reply equal to the request, the
// exit code its length.
absl::Status CheckEchoRun(const EchoVariant& variant, const EchoRun& run,
                          absl::Span<const uint8_t> request);

}  // namespace wasp::artifacts

#endif  // WASP_TOOLS_ARTIFACTS_ECHO_GUESTS_H_
