// The client model of `netsim probe` (probe/client.h): when the name is asked again, which
// addresses a request tries in which order, and curl's share of the connect time.
#include "netsim/probe/client.h"

#include <gtest/gtest.h>

namespace netsim::probe {
namespace {

using common::Ipv4Address;

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

Resolution dns(double at, std::vector<Ipv4Address> addresses, std::optional<double> ttl) {
  Resolution r;
  r.at_s = at;
  r.source = AnswerSource::kDns;
  r.addresses = std::move(addresses);
  r.ttl_s = ttl;
  return r;
}

TEST(ProbeClientTest, ADnsAnswerIsKeptForItsTtlThenAskedAgain) {
  NameCache cache(dns(0, {ip("203.0.113.30"), ip("203.0.113.31")}, 1.0));
  EXPECT_FALSE(cache.due(0));
  EXPECT_FALSE(cache.due(0.999));
  EXPECT_TRUE(cache.due(1.0));
  // The answer asked at 1.02 s drops a node; it is kept until 2.02 s.
  cache.update(dns(1.02, {ip("203.0.113.31")}, 1.0));
  EXPECT_EQ(cache.addresses(), std::vector<Ipv4Address>{ip("203.0.113.31")});
  EXPECT_FALSE(cache.due(2.0));
  EXPECT_TRUE(cache.due(2.02));
}

TEST(ProbeClientTest, TwentyRequestsASecondWithATtlOfOneSecondAskEverySecond) {
  NameCache cache(dns(0, {ip("10.0.0.1")}, 1.0));
  std::vector<double> asked;
  for (int k = 0; k < 100; ++k) {  // 5 s at 20 requests/s
    const double t = k * 0.05;
    if (cache.due(t)) {
      asked.push_back(t);
      cache.update(dns(t, {ip("10.0.0.1")}, 1.0));
    }
  }
  ASSERT_EQ(asked.size(), 4u);
  for (size_t i = 0; i < asked.size(); ++i) EXPECT_NEAR(asked[i], 1.0 + static_cast<double>(i), 1e-9);
}

TEST(ProbeClientTest, ATtlOfZeroIsAskedByEveryRequestAndNoTtlNever) {
  NameCache zero(dns(0, {ip("10.0.0.1")}, 0.0));
  EXPECT_TRUE(zero.due(0));
  EXPECT_TRUE(zero.due(0.05));
  Resolution topo;
  topo.source = AnswerSource::kTopology;
  topo.addresses = {ip("203.0.113.30")};
  NameCache once(topo);
  EXPECT_FALSE(once.due(0));
  EXPECT_FALSE(once.due(1e6));
}

TEST(ProbeClientTest, AFailedReResolutionKeepsTheAnswerAndAsksAgainLater) {
  NameCache cache(dns(0, {ip("203.0.113.30"), ip("203.0.113.31")}, 2.0));
  Resolution failed;
  failed.at_s = 2.0;
  failed.error = "no answer from 10.0.0.2 within 500 ms";
  cache.update(failed);
  EXPECT_EQ(cache.addresses().size(), 2u);
  EXPECT_FALSE(cache.due(3.9));
  EXPECT_TRUE(cache.due(4.0));  // one more TTL
  NameCache zero(dns(0, {ip("10.0.0.1")}, 0.0));
  failed.at_s = 1.0;
  zero.update(failed);  // a TTL of 0 still waits a little before asking again
  EXPECT_FALSE(zero.due(1.0 + NameCache::kRetryAfterFailureS / 2));
  EXPECT_TRUE(zero.due(1.0 + NameCache::kRetryAfterFailureS));
}

TEST(ProbeClientTest, EachRequestStartsAtTheNextAddressAndFallsBackInOrder) {
  EXPECT_EQ(attemptOrder(2, 0, ClientMode::kReResolve), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(attemptOrder(2, 1, ClientMode::kReResolve), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(attemptOrder(3, 4, ClientMode::kReResolve), (std::vector<size_t>{1, 2, 0}));
  EXPECT_EQ(attemptOrder(1, 7, ClientMode::kReResolve), (std::vector<size_t>{0}));
  EXPECT_TRUE(attemptOrder(0, 3, ClientMode::kReResolve).empty());
  // The old client: one address per request, in turn.
  EXPECT_EQ(attemptOrder(2, 0, ClientMode::kResolveOnce), (std::vector<size_t>{0}));
  EXPECT_EQ(attemptOrder(2, 1, ClientMode::kResolveOnce), (std::vector<size_t>{1}));
  EXPECT_EQ(attemptOrder(3, 5, ClientMode::kResolveOnce), (std::vector<size_t>{2}));
}

TEST(ProbeClientTest, ConnectTimeIsSharedAsCurlDoes) {
  // Two addresses, 1000 ms, the first silent: 500 ms for it, the 500 left for the second.
  double left = 1000;
  const double first = attemptBudgetMs(left, true);
  EXPECT_DOUBLE_EQ(first, 500);
  left -= first;
  EXPECT_DOUBLE_EQ(attemptBudgetMs(left, false), 500);
  // Three silent addresses: 500, 250, then the last 250.
  left = 1000;
  std::vector<double> shares;
  for (int i = 0; i < 3; ++i) {
    shares.push_back(attemptBudgetMs(left, i < 2));
    left -= shares.back();
  }
  EXPECT_EQ(shares, (std::vector<double>{500, 250, 250}));
  EXPECT_DOUBLE_EQ(left, 0);
  EXPECT_DOUBLE_EQ(attemptBudgetMs(0, true), 0);
  EXPECT_DOUBLE_EQ(attemptBudgetMs(-5, false), 0);
}

TEST(ProbeClientTest, NamesModesSourcesAndRecordFiles) {
  EXPECT_STREQ(clientModeName(ClientMode::kReResolve), "re-resolve");
  EXPECT_STREQ(clientModeName(ClientMode::kResolveOnce), "resolve-once");
  EXPECT_STREQ(answerSourceName(AnswerSource::kTopology), "topology");
  EXPECT_EQ(isoUtcMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(isoUtcMs(1796405401123), "2026-12-04T17:30:01.123Z");
  EXPECT_EQ(probeRecordFileName("2026-12-04T17:30:01.123Z", "client"), "2026-12-04T17-30-01.123Z-client.json");
}

}  // namespace
}  // namespace netsim::probe
