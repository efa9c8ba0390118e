#include "engine/cache.h"

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/guests/exit_code_image.h"
#include "tests/guests/snapshot_counter_image.h"
#include "tests/testing/kvm.h"

namespace wasp {
namespace {

constexpr uint64_t kMemory = 256 << 10;

Image Counter() {
  Image image = images::snapshot_counter();
  image.read_only_size = 0x1000;
  return image;
}

std::vector<uint8_t> Arg(uint64_t value) {
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &value, 8);
  return bytes;
}

uint64_t Value(const std::vector<uint8_t>& bytes) {
  uint64_t value = 0;
  if (bytes.size() == 8) std::memcpy(&value, bytes.data(), 8);
  return value;
}

class CacheTest : public testing::KvmTest {
 protected:
  std::unique_ptr<Cache> Make(CacheOptions options) {
    auto cache = std::make_unique<Cache>(kMemory, options);
    auto status = cache->load(Counter());
    EXPECT_TRUE(status.ok()) << status;
    return cache;
  }
};

TEST_F(CacheTest, CallsReturnResultsFromTheSnapshot) {
  auto cache = Make({});
  for (uint64_t arg = 10; arg < 30; ++arg) {
    auto result = cache->call(Arg(arg), absl::Seconds(1));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->exit.reason, ExitReason::Exited)
        << result->exit.ToString();
    EXPECT_EQ(Value(result->result), 108 + arg);
  }
  EXPECT_EQ(cache->size(), 1u) << "one virtine, reused";
}

TEST_F(CacheTest, EnsureProvisionsUpToTheBound) {
  auto cache = Make({.max_virtines = 4});
  ASSERT_TRUE(cache->ensure(3).ok());
  EXPECT_EQ(cache->size(), 3u);
  EXPECT_EQ(cache->available(), 3u);
  ASSERT_TRUE(cache->ensure(100).ok());
  EXPECT_EQ(cache->size(), 4u) << "never more than max_virtines";
}

TEST_F(CacheTest, ExhaustionIsAClearErrorAndPutFreesASlot) {
  auto cache = Make({.max_virtines = 2});
  auto a = cache->acquire();
  auto b = cache->acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = cache->acquire();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(c.status().message().find("in use"), std::string::npos);
  EXPECT_EQ(cache->get(), nullptr);
  EXPECT_EQ(cache->stats().exhausted, 2u);
  ASSERT_TRUE(cache->put(*a).ok());
  auto d = cache->acquire();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, *a) << "the returned virtine is reused";
}

TEST_F(CacheTest, AcquireWaitsForAPut) {
  auto cache = Make({.max_virtines = 1, .wait = absl::Seconds(5)});
  auto held = cache->acquire();
  ASSERT_TRUE(held.ok());
  std::thread returner([&] {
    absl::SleepFor(absl::Milliseconds(50));
    EXPECT_TRUE(cache->put(*held).ok());
  });
  auto waited = cache->acquire();
  returner.join();
  ASSERT_TRUE(waited.ok()) << waited.status();
  EXPECT_EQ(*waited, *held);
}

TEST_F(CacheTest, PutRefusesStrangersAndDoubles) {
  auto cache = Make({});
  auto other = Make({});
  Virtine* mine = cache->get();
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(other->put(mine).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cache->put(nullptr).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(cache->put(mine).ok());
  EXPECT_EQ(cache->put(mine).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CacheTest, HostileCallsLeaveThePoolHealthy) {
  auto cache = Make({.max_virtines = 2});
  for (uint64_t hostile : {1, 2, 3, 4}) {
    auto bad = cache->call(Arg(hostile), absl::Milliseconds(30));
    ASSERT_TRUE(bad.ok()) << bad.status();
    EXPECT_NE(bad->exit.reason, ExitReason::Exited) << hostile;
    auto good = cache->call(Arg(5), absl::Seconds(1));
    ASSERT_TRUE(good.ok()) << good.status();
    EXPECT_EQ(Value(good->result), 113u) << "after " << hostile;
  }
  EXPECT_EQ(cache->size(), 1u);
  EXPECT_EQ(cache->stats().discarded, 0u);
}

TEST_F(CacheTest, SharedCacheServesManyThreads) {
  auto cache = Make({.max_virtines = 2, .wait = absl::Seconds(10)});
  std::atomic<int> right = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        uint64_t arg = 10 + t * 1000 + i;
        auto result = cache->call(Arg(arg), absl::Seconds(5));
        if (result.ok() && Value(result->result) == 108 + arg) ++right;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(right, 100);
  EXPECT_LE(cache->size(), 2u);
}

TEST_F(CacheTest, NotLoadedIsAClearError) {
  Cache cache(kMemory, CacheOptions{});
  EXPECT_EQ(cache.acquire().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cache.call(Arg(1), absl::Seconds(1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CacheTest, ImagesWithoutSnapshotStartFromBoot) {
  Cache cache(kMemory, CacheOptions{});
  ASSERT_TRUE(cache.load(images::exit_code()).ok());
  for (int i = 0; i < 3; ++i) {
    Virtine* virtine = cache.get();
    ASSERT_NE(virtine, nullptr);
    auto exit = virtine->run();
    ASSERT_TRUE(exit.ok());
    EXPECT_EQ(exit->exit_code, 42);
    ASSERT_TRUE(cache.put(virtine).ok());
  }
}

}  // namespace
}  // namespace wasp
