// The pure parts of `netsim probe` (probe/steady_probe.h): targets, percentiles, outages, the
// per-second timeline.
#include "netsim/probe/steady_probe.h"

#include <gtest/gtest.h>

namespace netsim::probe {
namespace {

RequestSample sample(double t, bool ok, double ms = 1, std::string error = "") {
  RequestSample s;
  s.sent_s = t;
  s.ok = ok;
  s.latency_ms = ms;
  s.error = std::move(error);
  return s;
}

TEST(SteadyProbeTest, ParsesHttpAndTcpTargets) {
  auto a = parseSteadyTarget("http://web-alb/");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->http);
  EXPECT_EQ(a->host, "web-alb");
  EXPECT_EQ(a->port, 80);
  EXPECT_EQ(a->path, "/");
  auto b = parseSteadyTarget("http://10.0.11.5:8080/count?sleep_ms=5");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "10.0.11.5");
  EXPECT_EQ(b->port, 8080);
  EXPECT_EQ(b->path, "/count?sleep_ms=5");
  EXPECT_EQ(b->str(), "http://10.0.11.5:8080/count?sleep_ms=5");
  auto c = parseSteadyTarget("http://web-alb-123.us-east-1.elb.amazonaws.com");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->path, "/");
  auto t = parseSteadyTarget("tcp:cache:6379");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->http);
  EXPECT_EQ(t->host, "cache");
  EXPECT_EQ(t->port, 6379);
  EXPECT_EQ(t->str(), "tcp:cache:6379");
  for (const char* bad : {"web-alb", "https://web-alb/", "http:///", "http://a:0/", "http://a:70000/", "http://a:x/",
                          "tcp:cache", "tcp::80", "tcp:cache:", "http://a/b c", "ftp://a/"}) {
    auto r = parseSteadyTarget(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, common::ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(SteadyProbeTest, PercentilesAreNearestRank) {
  EXPECT_EQ(percentile({}, 50), 0);
  EXPECT_EQ(percentile({7}, 99), 7);
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 100), 100);
  EXPECT_EQ(percentile(v, 0), 1);
  EXPECT_EQ(percentile({1, 2, 3, 1000}, 50), 2);
  EXPECT_EQ(percentile({1, 2, 3, 1000}, 99), 1000);
}

TEST(SteadyProbeTest, LongestOutageRunsFromFirstFailureToNextSuccess) {
  EXPECT_EQ(longestOutage({}, 2), 0);
  EXPECT_EQ(longestOutage({sample(0, true), sample(0.1, true)}, 0.2), 0);
  // Failures at 0.2, 0.3, 0.4: the next success is at 0.5 → 0.3 s. A single failure later: 0.1 s.
  std::vector<RequestSample> s = {sample(0, true),    sample(0.1, true),  sample(0.2, false), sample(0.3, false),
                                  sample(0.4, false), sample(0.5, true),  sample(0.6, false), sample(0.7, true)};
  EXPECT_NEAR(longestOutage(s, 0.8), 0.3, 1e-9);
  // Out of order (completion order differs from send order): same answer.
  std::swap(s[2], s[5]);
  EXPECT_NEAR(longestOutage(s, 0.8), 0.3, 1e-9);
  // A run that lasts to the end counts to the end of the sending window.
  EXPECT_NEAR(longestOutage({sample(0, true), sample(0.5, false), sample(1.0, false)}, 1.5), 1.0, 1e-9);
  EXPECT_NEAR(longestOutage({sample(0, false)}, 2), 2.0, 1e-9);
}

TEST(SteadyProbeTest, SummaryCountsRatesLatenciesAndSeconds) {
  std::vector<RequestSample> s;
  for (int i = 0; i < 20; ++i) s.push_back(sample(i * 0.1, true, 1 + i));  // 1..20 ms, seconds 0 and 1
  s[12] = sample(1.2, false, 1000, "timeout");
  s[13] = sample(1.3, false, 2, "HTTP 503");
  s[14] = sample(1.4, false, 2, "HTTP 503");
  s[3].served_by = "web-1";
  s[4].served_by = "web-2";
  s[5].served_by = "web-1";
  auto r = summarize(s, 10, 2);
  EXPECT_EQ(r.sent, 20u);
  EXPECT_EQ(r.succeeded, 17u);
  EXPECT_NEAR(r.success_pct, 85.0, 1e-9);
  EXPECT_EQ(r.p50_ms, 9);   // 17 successes: 1..12, 16..20 → 9th is 9
  EXPECT_EQ(r.p99_ms, 20);  // failures' latencies are not counted
  EXPECT_NEAR(r.longest_outage_s, 0.3, 1e-9);
  EXPECT_EQ(r.errors.at("timeout"), 1u);
  EXPECT_EQ(r.errors.at("HTTP 503"), 2u);
  EXPECT_EQ(r.served_by.at("web-1"), 2u);
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[0].second, 0);
  EXPECT_EQ(r.timeline[0].sent, 10u);
  EXPECT_EQ(r.timeline[0].succeeded, 10u);
  EXPECT_EQ(r.timeline[0].p50_ms, 5);
  EXPECT_EQ(r.timeline[1].second, 1);
  EXPECT_EQ(r.timeline[1].succeeded, 7u);
  const auto json = formatSteadyJson(r);
  EXPECT_NE(json.find("\"longest_outage_s\": 0.3"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timeline\""), std::string::npos);
  const auto text = formatSteadyText(r);
  EXPECT_NE(text.find("17 (85.00 %)"), std::string::npos) << text;
  EXPECT_NE(text.find("HTTP 503: 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace netsim::probe
