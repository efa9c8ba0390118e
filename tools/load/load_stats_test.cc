#include "tools/load/load_stats.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace wasp::load {
namespace {

TEST(LoadStatsTest, ErrnosNameTheirConnectionError) {
  EXPECT_EQ(ConnectErrorFor(ECONNREFUSED), ConnectionError::kConnectRefused);
  EXPECT_EQ(ConnectErrorFor(ETIMEDOUT), ConnectionError::kConnectTimeout);
  EXPECT_EQ(ConnectErrorFor(EMFILE), ConnectionError::kOther);
  EXPECT_EQ(TransferErrorFor(ECONNRESET), ConnectionError::kReset);
  EXPECT_EQ(TransferErrorFor(EPIPE), ConnectionError::kReset);
  EXPECT_EQ(TransferErrorFor(ETIMEDOUT), ConnectionError::kOther);
}

TEST(LoadStatsTest, MergeAddsConnectionsAndTheirErrors) {
  LoadStats a, b;
  a.connected = 3;
  a.connects = 5;
  a.peak_open = 3;
  a.connection_error(ConnectionError::kReset) = 2;
  b.connected = 4;
  b.connects = 4;
  b.peak_open = 4;
  b.connection_error(ConnectionError::kOther) = 1;
  b.last_other_errno = EMFILE;
  a.Merge(b);
  EXPECT_EQ(a.connected, 7u);
  EXPECT_EQ(a.connects, 9u);
  EXPECT_EQ(a.peak_open, 7u);
  EXPECT_EQ(a.connection_error_total(), 3u);
  EXPECT_EQ(a.last_other_errno, EMFILE);
  EXPECT_EQ(ConnectionErrorName(ConnectionError::kReadTimeout), "read_timeout");
}

}  // namespace
}  // namespace wasp::load
