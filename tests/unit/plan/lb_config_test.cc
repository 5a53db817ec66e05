// The load balancer node's configuration file: what `up` writes is what netsim-lb reads.
#include <gtest/gtest.h>

#include "netsim/plan/lb_config.h"

namespace netsim::plan {
namespace {

common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

LbNodeConfig albConfig() {
  LbNodeConfig c;
  c.lab = "t";
  c.load_balancer = "web";
  c.node = "web-1";
  c.az = "a";
  c.node_ip = ip("10.0.0.6");
  c.cross_zone = true;
  c.idle_timeout_s = 0.6;
  c.control_socket = "/run/netsim/t/web-1.sock";
  c.cookie_secret = 99;
  c.listeners = {{80, model::LbProtocol::kHttp, "web-tg", {{10, "", "/api/*", "api-tg"}}, "", ""}};
  TargetGroupConfig g;
  g.name = "web-tg";
  g.port = 8080;
  g.stickiness = true;
  g.stickiness_duration_s = 864;
  g.deregistration_delay_s = 3;
  g.health = {model::LbProtocol::kHttp, "/", 0, 0.3, 0.05, 5, 2};
  g.targets = {{"a1", ip("10.0.10.4"), 8080, "a"}, {"b1", ip("10.0.11.4"), 8080, "b"}};
  c.target_groups = {g};
  return c;
}

TEST(LbConfigTest, JsonRoundTrip) {
  auto c = albConfig();
  auto back = lbNodeConfigFromJson(toJson(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(toJson(*back), toJson(c));
  EXPECT_EQ(back->cookieName(), "AWSALB");
  back->type = model::LoadBalancerType::kClassic;
  EXPECT_EQ(back->cookieName(), "AWSELB");
}

TEST(LbConfigTest, JsonCarriesTypesByTheirNames) {
  auto c = albConfig();
  c.type = model::LoadBalancerType::kNetwork;
  c.listeners[0].protocol = model::LbProtocol::kUdp;
  const auto text = toJson(c);
  EXPECT_NE(text.find("\"type\": \"network\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"protocol\": \"udp\""), std::string::npos) << text;
  auto back = lbNodeConfigFromJson(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->type, model::LoadBalancerType::kNetwork);
  EXPECT_EQ(back->listeners[0].protocol, model::LbProtocol::kUdp);
}

TEST(LbConfigTest, BadJsonIsAnError) {
  EXPECT_FALSE(lbNodeConfigFromJson("{"));
  EXPECT_FALSE(lbNodeConfigFromJson("{\"lab\": 1}"));
  auto text = toJson(albConfig());
  text.replace(text.find("\"application\""), 13, "\"gateway\"");
  EXPECT_FALSE(lbNodeConfigFromJson(text));
}

}  // namespace
}  // namespace netsim::plan
