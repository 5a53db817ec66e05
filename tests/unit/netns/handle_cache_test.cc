// netns::HandleCache: at most `capacity` handles stay open, the least recently used goes first,
// and a handle still in use survives its eviction.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "netsim/netns/handle_cache.h"

namespace netsim::netns {
namespace {

// Counts live handles, as fds would be counted.
struct Counted {
  explicit Counted(std::string k, int* counter) : key(std::move(k)), live(counter) { ++*live; }
  Counted(Counted&& o) noexcept : key(std::move(o.key)), live(o.live) { o.live = nullptr; }
  Counted(const Counted&) = delete;
  ~Counted() {
    if (live != nullptr) --*live;
  }
  std::string key;
  int* live;
};

TEST(HandleCacheTest, KeepsAtMostCapacityOpen) {
  int live = 0;
  HandleCache<Counted> cache(4);
  auto open = [&](const std::string& k) { return common::Result<Counted>(Counted(k, &live)); };
  for (int i = 0; i < 1000; ++i) {
    auto h = cache.get("ns" + std::to_string(i), open);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ((*h)->key, "ns" + std::to_string(i));
    EXPECT_LE(live, 5);  // the cache's four plus the one held here
  }
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.opens(), 1000u);
}

TEST(HandleCacheTest, EvictsTheLeastRecentlyUsed) {
  int live = 0;
  HandleCache<Counted> cache(2);
  auto open = [&](const std::string& k) { return common::Result<Counted>(Counted(k, &live)); };
  ASSERT_TRUE(cache.get("a", open).ok());
  ASSERT_TRUE(cache.get("b", open).ok());
  ASSERT_TRUE(cache.get("a", open).ok());  // a is now more recent than b
  ASSERT_TRUE(cache.get("c", open).ok());  // evicts b
  EXPECT_EQ(cache.opens(), 3u);
  ASSERT_TRUE(cache.get("a", open).ok());
  EXPECT_EQ(cache.opens(), 3u);
  ASSERT_TRUE(cache.get("b", open).ok());
  EXPECT_EQ(cache.opens(), 4u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(live, 2);
}

TEST(HandleCacheTest, AHandleInUseOutlivesItsEviction) {
  int live = 0;
  HandleCache<Counted> cache(2);
  auto open = [&](const std::string& k) { return common::Result<Counted>(Counted(k, &live)); };
  auto a = cache.get("a", open);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(cache.get("b", open).ok());
  ASSERT_TRUE(cache.get("c", open).ok());  // a leaves the cache
  EXPECT_EQ((*a)->key, "a");
  EXPECT_EQ(live, 3);
  a = common::Result<std::shared_ptr<Counted>>(std::shared_ptr<Counted>());
  EXPECT_EQ(live, 2);
}

TEST(HandleCacheTest, AFailedOpenIsReportedAndNotCached) {
  HandleCache<int> cache(2);
  int calls = 0;
  auto failing = [&](const std::string&) {
    ++calls;
    return common::Result<int>(common::makeError(common::ErrorCode::kNotFound, "no such namespace"));
  };
  EXPECT_FALSE(cache.get("x", failing).ok());
  EXPECT_FALSE(cache.get("x", failing).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace netsim::netns
