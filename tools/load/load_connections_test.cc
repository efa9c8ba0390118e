// wasp-load against responders written here (epoll, loopback, no KVM): it
// opens and drives 10,000 connections from one thread, and counts each kind
// of connection error under its own name.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/unique_fd.h"
#include "gtest/gtest.h"
#include "tools/common/fd_limit.h"
#include "tools/load/testing/load_process.h"

namespace wasp::load {
namespace {

using ::wasp::load::testing::JsonNumber;
using ::wasp::load::testing::LoadResult;
using ::wasp::load::testing::RunLoad;

constexpr absl::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

// A socket bound to 127.0.0.1 on a free port, not yet listening.
UniqueFd BoundSocket(int* port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    return UniqueFd();
  }
  *port = ntohs(address.sin_port);
  return fd;
}

// One thread, level-triggered epoll: reads requests (each ends with an empty
// line) and, for each, answers, resets the connection, or closes it.
class Responder final {
 public:
  enum class Behavior { kAnswer, kReset, kClose };

  explicit Responder(Behavior behavior) : behavior_(behavior) {
    listener_ = BoundSocket(&port_);
    if (!listener_.valid() || listen(listener_.get(), 4096) != 0) port_ = 0;
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    stop_.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    Watch(listener_.get());
    Watch(stop_.get());
    thread_ = std::thread([this] { Serve(); });
  }
  ~Responder() {
    uint64_t one = 1;
    (void)!write(stop_.get(), &one, sizeof one);
    thread_.join();
    for (size_t fd = 0; fd < pending_.size(); ++fd) {
      if (open_[fd]) close(static_cast<int>(fd));
    }
  }
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  int port() const { return port_; }
  int peak_open() const { return peak_open_.load(); }
  // Connections that got at least one response.
  int answered_connections() const { return answered_connections_.load(); }

 private:
  void Watch(int fd) {
    epoll_event event = {.events = EPOLLIN, .data = {.fd = fd}};
    epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event);
  }

  void Serve() {
    std::vector<epoll_event> events(1024);
    while (true) {
      int n = epoll_wait(epoll_.get(), events.data(),
                         static_cast<int>(events.size()), -1);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == stop_.get()) return;
        if (fd == listener_.get()) {
          AcceptAll();
        } else {
          OnReadable(fd);
        }
      }
    }
  }

  void AcceptAll() {
    while (true) {
      int fd = accept4(listener_.get(), nullptr, nullptr,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      if (static_cast<size_t>(fd) >= pending_.size()) {
        pending_.resize(fd + 1024);
        open_.resize(fd + 1024);
        answered_.resize(fd + 1024);
      }
      open_[fd] = true;
      peak_open_.store(std::max(peak_open_.load(), ++open_count_));
      Watch(fd);
    }
  }

  void OnReadable(int fd) {
    char buffer[4096];
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) {
      pending_[fd].append(buffer, static_cast<size_t>(got));
    }
    if (got == 0 || (got < 0 && errno != EAGAIN)) {
      Close(fd);
      return;
    }
    size_t end;
    while ((end = pending_[fd].find("\r\n\r\n")) != std::string::npos) {
      pending_[fd].erase(0, end + 4);
      if (behavior_ == Behavior::kReset) {
        linger abort = {.l_onoff = 1, .l_linger = 0};  // close sends RST
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      }
      if (behavior_ != Behavior::kAnswer ||
          write(fd, kResponse.data(), kResponse.size()) !=
              static_cast<ssize_t>(kResponse.size())) {
        Close(fd);
        return;
      }
      if (!answered_[fd]) {
        answered_[fd] = true;
        ++answered_connections_;
      }
    }
  }

  void Close(int fd) {
    pending_[fd].clear();
    open_[fd] = false;
    answered_[fd] = false;
    --open_count_;
    close(fd);  // also leaves the epoll set
  }

  const Behavior behavior_;
  int port_ = 0;
  UniqueFd listener_;
  UniqueFd epoll_;
  UniqueFd stop_;
  std::vector<std::string> pending_;  // by fd: bytes of a partial request
  std::vector<bool> open_;            // by fd
  std::vector<bool> answered_;        // by fd
  int open_count_ = 0;
  std::atomic<int> peak_open_{0};
  std::atomic<int> answered_connections_{0};
  std::thread thread_;
};

// The report without its histogram, for failure messages.
std::string Summary(const LoadResult& run) {
  return run.out.substr(0, run.out.find(",\"histogram\""));
}

std::string Url(int port) {
  return absl::StrCat("http://127.0.0.1:", port, "/");
}

double ConnectionErrors(const LoadResult& run, const std::string& kind) {
  return JsonNumber(run.out, kind, "connection_errors");
}

// Only `kind` (if any) among the connection errors, and the requests that
// failed match it.
void ExpectOnlyConnectionError(const LoadResult& run, const std::string& kind) {
  for (const char* other : {"connect_refused", "connect_timeout", "reset",
                            "closed", "read_timeout", "other"}) {
    if (other == kind) continue;
    EXPECT_EQ(ConnectionErrors(run, other), 0) << other << "\n" << Summary(run);
  }
  EXPECT_GT(ConnectionErrors(run, kind), 0) << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "answered"), 0) << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "sent"), JsonNumber(run.out, "total", "errors"))
      << Summary(run);
}

TEST(LoadConnectionsTest, TenThousandConnectionsFromOneThread) {
  constexpr int kConnections = 10'000;
  // The responder's sockets; wasp-load raises its own limit.
  absl::Status fits = RaiseDescriptorLimit(kConnections + 256);
  ASSERT_TRUE(fits.ok()) << fits;
  Responder responder(Responder::Behavior::kAnswer);
  ASSERT_NE(responder.port(), 0);
  LoadResult run =
      RunLoad({absl::StrCat("--connections=", kConnections), "--threads=1",
               // Time for all of them on a busy machine: 3 s opened 9,548
               // beside three fuzzers and a build.
               "--duration=10s", "--json", Url(responder.port())});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(JsonNumber(run.out, "connected"), kConnections) << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "peak_open"), kConnections) << Summary(run);
  EXPECT_EQ(responder.peak_open(), kConnections);
  // Every connection was answered, and nothing failed.
  EXPECT_EQ(responder.answered_connections(), kConnections);
  EXPECT_GT(JsonNumber(run.out, "answered"), kConnections) << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "sent"), JsonNumber(run.out, "answered"))
      << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "total", "errors"), 0) << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "total", "connection_errors"), 0)
      << Summary(run);
  EXPECT_LT(run.took, absl::Seconds(15)) << "the run did not end on time";
}

// --expect_status: the one status that counts as answered.
TEST(LoadConnectionsTest, ExpectedStatusDecidesWhatIsAnswered) {
  Responder responder(Responder::Behavior::kAnswer);  // 200s
  ASSERT_NE(responder.port(), 0);
  LoadResult ok =
      RunLoad({"--connections=4", "--requests=200", "--expect_status=200",
               "--json", Url(responder.port())});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(JsonNumber(ok.out, "answered"), 200) << Summary(ok);
  LoadResult other =
      RunLoad({"--connections=4", "--requests=200", "--expect_status=304",
               "--json", Url(responder.port())});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(JsonNumber(other.out, "answered"), 0) << Summary(other);
  EXPECT_EQ(JsonNumber(other.out, "bad_status", "errors"), 200)
      << Summary(other);
  EXPECT_EQ(RunLoad({"--expect_status=42", Url(responder.port())}).exit_code,
            2);
}

TEST(LoadConnectionsTest, ResetsAreCountedAsResets) {
  Responder responder(Responder::Behavior::kReset);
  ASSERT_NE(responder.port(), 0);
  LoadResult run = RunLoad({"--connections=50", "--duration=500ms", "--json",
                            Url(responder.port())});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectOnlyConnectionError(run, "reset");
  EXPECT_EQ(JsonNumber(run.out, "reset", "errors"), JsonNumber(run.out, "sent"))
      << Summary(run);
  // Each reset connection opened again.
  EXPECT_GT(JsonNumber(run.out, "connects"), 50) << Summary(run);
  EXPECT_LT(run.took, absl::Seconds(3)) << "the run did not end on time";
}

TEST(LoadConnectionsTest, ClosesWithoutAResponseAreCountedAsClosed) {
  Responder responder(Responder::Behavior::kClose);
  ASSERT_NE(responder.port(), 0);
  LoadResult run = RunLoad({"--connections=50", "--duration=500ms", "--json",
                            Url(responder.port())});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectOnlyConnectionError(run, "closed");
  EXPECT_EQ(JsonNumber(run.out, "short_read", "errors"),
            JsonNumber(run.out, "sent"))
      << Summary(run);
  EXPECT_LT(run.took, absl::Seconds(3)) << "the run did not end on time";
}

TEST(LoadConnectionsTest, RefusedConnectsAreCountedAsRefused) {
  int port = 0;
  UniqueFd bound = BoundSocket(&port);  // bound, so nobody else listens there
  ASSERT_TRUE(bound.valid());
  LoadResult run =
      RunLoad({"--connections=4", "--duration=300ms", "--json", Url(port)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectOnlyConnectionError(run, "connect_refused");
  EXPECT_EQ(JsonNumber(run.out, "connected"), 0) << Summary(run);
}

// A listener that never accepts, with a backlog of one: two connections
// open and wait for responses, the others' SYNs are dropped.
TEST(LoadConnectionsTest, AFullBacklogTimesOutConnectsAndReads) {
  int port = 0;
  UniqueFd listener = BoundSocket(&port);
  ASSERT_TRUE(listener.valid());
  ASSERT_EQ(listen(listener.get(), 1), 0);
  LoadResult run = RunLoad({"--connections=8", "--duration=300ms",
                            "--timeout=200ms", "--json", Url(port)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(ConnectionErrors(run, "connect_timeout"), 0) << Summary(run);
  EXPECT_GT(ConnectionErrors(run, "read_timeout"), 0) << Summary(run);
  EXPECT_EQ(ConnectionErrors(run, "total"),
            ConnectionErrors(run, "connect_timeout") +
                ConnectionErrors(run, "read_timeout"))
      << Summary(run);
  EXPECT_EQ(JsonNumber(run.out, "answered"), 0) << Summary(run);
  EXPECT_LT(run.took, absl::Seconds(3)) << "the run did not end on time";
}

TEST(LoadConnectionsTest, TooFewDescriptorsFailBeforeConnecting) {
  LoadResult run = RunLoad(
      {"--connections=100000000", "--duration=1s", "http://127.0.0.1:1/"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("file descriptors"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("fewer --connections"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << Summary(run);
}

}  // namespace
}  // namespace wasp::load
