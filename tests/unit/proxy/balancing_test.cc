// Stickiness cookies, latency percentiles and the NLB's nftables text.
#include <gtest/gtest.h>

#include "netsim/plan/lb_config.h"
#include "netsim/proxy/metrics.h"
#include "netsim/proxy/nlb_rules.h"
#include "netsim/proxy/sticky_cookie.h"

namespace netsim::proxy {
namespace {

TEST(StickyCookieTest, RoundTripsUntilItExpires) {
  auto v = encodeStickyCookie("10.0.10.4:8080", 1000, 42);
  EXPECT_EQ(decodeStickyCookie(v, 999, 42), "10.0.10.4:8080");
  EXPECT_FALSE(decodeStickyCookie(v, 1000, 42).has_value());
}

TEST(StickyCookieTest, AnEditedOrForeignCookieIsIgnored) {
  auto v = encodeStickyCookie("10.0.10.4:8080", 1000, 42);
  EXPECT_FALSE(decodeStickyCookie(v, 10, 43).has_value());  // another load balancer's secret
  std::string edited = v;
  edited[3] = edited[3] == '1' ? '2' : '1';  // points at another target
  EXPECT_FALSE(decodeStickyCookie(edited, 10, 42).has_value());
  EXPECT_FALSE(decodeStickyCookie("garbage", 10, 42).has_value());
  EXPECT_FALSE(decodeStickyCookie("", 10, 42).has_value());
}

TEST(StickyCookieTest, FindsTheCookieInTheHeader) {
  EXPECT_EQ(cookieValue("a=1; AWSALB=xyz; b=2", "AWSALB"), "xyz");
  EXPECT_EQ(cookieValue("AWSALB=xyz", "AWSALB"), "xyz");
  EXPECT_FALSE(cookieValue("AWSALBCORS=1", "AWSALB").has_value());
  EXPECT_FALSE(cookieValue("", "AWSALB").has_value());
}

TEST(LatencyHistogramTest, PercentilesWithinTheBucketResolution) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(50), 0);
  for (int i = 1; i <= 1000; ++i) h.add(i * 1e-4);  // 0.1 ms .. 100 ms
  EXPECT_NEAR(h.percentile(50), 0.050, 0.050 * 0.05);
  EXPECT_NEAR(h.percentile(99), 0.099, 0.099 * 0.05);
  EXPECT_EQ(h.count(), 1000u);
  h.add(1e6);  // beyond the last bucket: counted, clamped
  EXPECT_GT(h.percentile(100), 50.0);
}

plan::LbNodeConfig nlbConfig() {
  plan::LbNodeConfig c;
  c.type = model::LoadBalancerType::kNetwork;
  c.node_ip = *common::Ipv4Address::parse("10.0.0.6");
  c.listeners = {{80, model::LbProtocol::kTcp, "tcp-tg", {}, "", ""}, {53, model::LbProtocol::kUdp, "udp-tg", {}, "", ""}};
  return c;
}

TEST(NlbRulesTest, OneDnatRulePerListenerHashingTheFiveTuple) {
  Target a, b;
  a.ip = *common::Ipv4Address::parse("10.0.10.4");
  a.port = 9000;
  b.ip = *common::Ipv4Address::parse("10.0.11.4");
  b.port = 9000;
  auto text = nlbChainUpdate(nlbConfig(), {{"tcp-tg", {a, b}}, {"udp-tg", {}}}, 7);
  EXPECT_NE(text.find("flush chain ip netsim_nlb prerouting"), std::string::npos);
  EXPECT_NE(text.find("ip daddr 10.0.0.6 tcp dport 80 counter name \"new_flows_tcp_80\" dnat ip to jhash ip saddr . "
                      "tcp sport . ip daddr . tcp dport mod 2 seed 0x00000007 map { 0 : 10.0.10.4 . 9000, 1 : 10.0.11.4 . 9000 }"),
            std::string::npos)
      << text;
  // No target: no rule, so the node itself answers with a reset.
  EXPECT_EQ(text.find("udp dport 53"), std::string::npos) << text;
  auto table = nlbTableRuleset(nlbConfig());
  EXPECT_NE(table.find("counter new_flows_udp_53"), std::string::npos);
  EXPECT_NE(table.find("th dport != { 80, 53 } notrack"), std::string::npos) << table;
}

TEST(NlbRulesTest, ReadsCounters) {
  auto c = parseNftCounters(
      "table ip netsim_nlb {\n\tcounter new_flows_tcp_80 {\n\t\tpackets 12 bytes 720\n\t}\n"
      "\tcounter new_flows_udp_53 {\n\t\tpackets 3 bytes 99\n\t}\n}\n");
  EXPECT_EQ(c["new_flows_tcp_80"], 12u);
  EXPECT_EQ(c["new_flows_udp_53"], 3u);
}

}  // namespace
}  // namespace netsim::proxy
