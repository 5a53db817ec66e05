// The pure parts of `netsim probe` (probe/steady_probe.h): targets, percentiles, outages, the
// per-second timeline.
#include "netsim/probe/steady_probe.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

common::Ipv4Address ip(const char* text) { return *common::Ipv4Address::parse(text); }

// A request that tried `tried` addresses in order; all but the last failed to connect.
RequestSample via(double t, std::vector<const char*> tried, bool ok, double ms = 1, std::string error = "") {
  auto s = sample(t, ok, ms, std::move(error));
  for (size_t i = 0; i < tried.size(); ++i) {
    s.attempts.push_back({ip(tried[i]), i + 1 < tried.size() ? "timeout" : ""});
  }
  return s;
}

TEST(SteadyProbeTest, NoFailedRequestIsNoOutage) {
  EXPECT_FALSE(summarizeOutage({}, 1).has_value());
  EXPECT_FALSE(summarizeOutage({sample(0, true), sample(0.05, true)}, 1).has_value());
  auto r = summarize({sample(0, true), sample(0.5, true)}, 2, 1);
  EXPECT_FALSE(r.outage.has_value());
  EXPECT_NE(formatSteadyText(r).find("outage          none: no request failed"), std::string::npos) << formatSteadyText(r);
}

TEST(SteadyProbeTest, TheOutageRunsFromTheFirstFailureToTheFinalRunOfSuccesses) {
  // Half the requests fail from 1.0 s to 2.9 s (one address silent), then all succeed from 3.0 s.
  std::vector<RequestSample> s;
  for (int i = 0; i < 50; ++i) {
    const double t = i * 0.1;
    const bool fails = t >= 0.95 && t < 2.95 && i % 2 == 0;
    s.push_back(sample(t, !fails, fails ? 1000 : 2, fails ? "timeout" : ""));
  }
  std::swap(s[12], s[30]);  // completion order is not send order
  auto o = summarizeOutage(s, 5);
  ASSERT_TRUE(o.has_value());
  EXPECT_NEAR(o->first_failure_s, 1.0, 1e-9);
  EXPECT_NEAR(o->last_failure_s, 2.8, 1e-9);
  ASSERT_TRUE(o->recovered_at_s.has_value());
  EXPECT_NEAR(*o->recovered_at_s, 2.9, 1e-9);  // the first of the final unbroken run
  EXPECT_EQ(o->requests, 19u);                 // 1.0 .. 2.8
  EXPECT_EQ(o->failed, 10u);
  EXPECT_EQ(o->errors.at("timeout"), 10u);
  // Longest outage is still one run of consecutive failures (0.1 s each); the outage is 1.9 s.
  auto r = summarize(s, 10, 5);
  EXPECT_NEAR(r.longest_outage_s, 0.1, 1e-9);
  const auto text = formatSteadyText(r);
  EXPECT_NE(text.find("10 of 19 requests failed from 1.00 s to 2.80 s; recovered at 2.90 s (time to recover 1.90 s)"),
            std::string::npos)
      << text;
}

TEST(SteadyProbeTest, AnOutageThatLastsToTheEndHasNotRecovered) {
  auto o = summarizeOutage({sample(0, true), sample(0.5, false, 1, "timeout"), sample(0.7, true), sample(1.0, false)}, 1.1);
  ASSERT_TRUE(o.has_value());
  EXPECT_NEAR(o->first_failure_s, 0.5, 1e-9);
  EXPECT_FALSE(o->recovered_at_s.has_value());
  EXPECT_EQ(o->requests, 3u);
  EXPECT_EQ(o->failed, 2u);
  EXPECT_EQ(o->errors.at("failed"), 1u);  // no reason given
  auto r = summarize({sample(0, true), sample(0.5, false, 1, "timeout")}, 2, 1);
  EXPECT_NE(formatSteadyText(r).find("not recovered by the end of the run"), std::string::npos);
  // Half the requests still failing, the last one lucky: its run is too short to be a recovery.
  std::vector<RequestSample> alternating;
  for (int i = 0; i < 20; ++i) alternating.push_back(sample(i * 0.05, i < 4 || i % 2 == 1));
  auto half = summarizeOutage(alternating, 1.0);
  ASSERT_TRUE(half.has_value());
  EXPECT_FALSE(half->recovered_at_s.has_value());
  EXPECT_EQ(half->failed, 8u);
  // The same run ended by a second of successes has recovered.
  for (int i = 20; i < 40; ++i) alternating.push_back(sample(i * 0.05, true));
  auto back = summarizeOutage(alternating, 2.0);
  ASSERT_TRUE(back.has_value());
  ASSERT_TRUE(back->recovered_at_s.has_value());
  EXPECT_NEAR(*back->recovered_at_s, 0.95, 1e-9);
  EXPECT_NEAR(*back->recovered_at_s - back->first_failure_s, 0.75, 1e-9);
}

TEST(SteadyProbeTest, CountsAttemptsFallbacksAndAddresses) {
  std::vector<RequestSample> s = {
      via(0.0, {"203.0.113.30"}, true, 2),
      via(0.1, {"203.0.113.31"}, true, 2),
      via(1.0, {"203.0.113.30", "203.0.113.31"}, true, 502),  // a: its 500 ms used up, b answered
      via(1.1, {"203.0.113.31"}, true, 3),
      via(1.2, {"203.0.113.30", "203.0.113.31"}, true, 504),
      via(1.3, {"203.0.113.31"}, false, 4, "HTTP 503"),  // connected, but the answer failed
  };
  s[5].attempts.back().error = "";  // it connected
  auto r = summarize(s, 10, 2);
  EXPECT_EQ(r.attempts, 8u);
  EXPECT_EQ(r.fallbacks.requests, 2u);
  EXPECT_NEAR(r.fallbacks.first_s, 1.0, 1e-9);
  EXPECT_NEAR(r.fallbacks.last_s, 1.2, 1e-9);
  EXPECT_EQ(r.fallbacks.p50_ms, 502);
  EXPECT_EQ(r.fallbacks.p99_ms, 504);
  const auto& a = r.by_address.at(ip("203.0.113.30"));
  EXPECT_EQ(a.attempts, 3u);
  EXPECT_EQ(a.connected, 1u);
  EXPECT_EQ(a.connect_failures, 2u);
  EXPECT_EQ(a.succeeded, 1u);
  const auto& b = r.by_address.at(ip("203.0.113.31"));
  EXPECT_EQ(b.attempts, 5u);
  EXPECT_EQ(b.connected, 5u);
  EXPECT_EQ(b.succeeded, 4u);
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[1].fallbacks, 2u);
  EXPECT_EQ(r.timeline[1].failed, 1u);
  EXPECT_EQ(r.timeline[1].errors.at("HTTP 503"), 1u);
  const auto text = formatSteadyText(r);
  EXPECT_NE(text.find("fallbacks       2 requests needed another address"), std::string::npos) << text;
  EXPECT_NE(text.find("203.0.113.30: 3 attempts, 1 connected, 2 failed to connect, 1 answered"), std::string::npos)
      << text;
}

TEST(SteadyProbeTest, AnswerChangesSkipRepeatsAndFailures) {
  auto res = [](double at, std::vector<common::Ipv4Address> a) {
    Resolution r;
    r.at_s = at;
    r.addresses = std::move(a);
    r.ttl_s = 1;
    return r;
  };
  const auto a = ip("203.0.113.30"), b = ip("203.0.113.31");
  std::vector<Resolution> all = {res(0, {a, b}), res(1, {b, a}), res(2, {}), res(3, {b}), res(4, {b}), res(5, {a, b})};
  all[2].error = "no answer";
  auto changes = answerChanges(all);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0]->at_s, 0);
  EXPECT_EQ(changes[1]->at_s, 3);
  EXPECT_EQ(changes[2]->at_s, 5);
}

TEST(SteadyProbeTest, TheJsonReportIsTheProbeRecord) {
  auto both_silent = via(1.5, {"203.0.113.30", "203.0.113.31"}, false, 1000, "timeout");
  both_silent.attempts.back().error = "timeout";
  auto r = summarize({via(0.2, {"203.0.113.30"}, true, 2), both_silent}, 2, 2);
  r.started_at = "2026-12-04T17:30:01.123Z";
  r.from = "client";
  r.target = "http://web-alb-1.us-east-1.elb.amazonaws.com/";
  r.addresses = {ip("203.0.113.30"), ip("203.0.113.31")};
  Resolution first;
  first.addresses = r.addresses;
  first.ttl_s = 1;
  Resolution second = first;
  second.at_s = 1.01;
  second.addresses = {ip("203.0.113.31")};
  r.resolutions = {first, second};
  auto j = nlohmann::json::parse(formatSteadyJson(r));
  // The fields agreed with `report` (BRIEF), and the ones the probe always had.
  EXPECT_EQ(j["started_at"], "2026-12-04T17:30:01.123Z");
  EXPECT_EQ(j["from"], "client");
  EXPECT_EQ(j["target"], r.target);
  EXPECT_EQ(j["client"], "re-resolve");
  for (const char* key : {"addresses", "rate", "duration_s", "sent", "succeeded", "success_pct", "latency_ms",
                          "longest_outage_s", "errors", "served_by", "outage", "fallbacks", "attempts", "by_address",
                          "resolutions", "re_resolutions", "answer_changes", "timeline"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  ASSERT_EQ(j["timeline"].size(), 2u);
  for (const char* key : {"second", "sent", "succeeded", "p50_ms", "p99_ms", "failed", "fallbacks", "errors"}) {
    EXPECT_TRUE(j["timeline"][0].contains(key)) << key;
  }
  EXPECT_EQ(j["timeline"][1]["errors"]["timeout"], 1);
  EXPECT_EQ(j["outage"]["first_failure_s"], 1.5);
  EXPECT_TRUE(j["outage"]["recovered_at_s"].is_null());
  EXPECT_TRUE(j["outage"]["time_to_recover_s"].is_null());
  EXPECT_EQ(j["re_resolutions"], 1);
  EXPECT_EQ(j["resolutions"][1]["addresses"], nlohmann::json::array({"203.0.113.31"}));
  EXPECT_EQ(j["resolutions"][0]["ttl_s"], 1.0);
  EXPECT_EQ(j["resolutions"][0]["source"], "dns");
  EXPECT_EQ(j["answer_changes"].size(), 2u);
  EXPECT_EQ(j["by_address"]["203.0.113.31"]["connect_failures"], 1);
  // No outage is null, not an empty object.
  auto ok = nlohmann::json::parse(formatSteadyJson(summarize({sample(0, true)}, 1, 1)));
  EXPECT_TRUE(ok["outage"].is_null());
  EXPECT_EQ(ok["re_resolutions"], 0);
}

}  // namespace
}  // namespace netsim::probe
